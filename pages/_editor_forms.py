"""What the editor's forms share: a form keeps the version it was opened on, saves only what
the editor changed against it, and shows another editor's save instead of undoing it."""

import streamlit as st

from storymap.escaping import markdown_text as md
from storymap.storage import ConflictError, NotFound



def parse_number(label: str, raw: str) -> float:
    try:
        return float(str(raw).strip())
    except ValueError:
        raise ValueError(f"The {label} must be a number, not “{raw}”.") from None  # shown through md()


def forget(prefix: str) -> None:
    """Drop a form's typed values, so it shows what is saved now."""
    for key in [k for k in st.session_state if str(k).startswith(f"{prefix}-")]:
        del st.session_state[key]


def say(message: str) -> None:
    """Say ``message`` once the page has been drawn again (after a save and its rerun)."""
    st.session_state["said"] = message


def save(write, prefix: str, done: str = "Saved.") -> bool:
    """Run one save. A conflict shows the other edit and offers to drop what was typed under
    ``prefix``; a bad value shows why. After a save the form forgets its typing and its version,
    and ``done`` is said once the page has been drawn again."""
    try:
        if not write():
            return False  # nothing had changed: nothing to save or to say
    except ConflictError as exc:
        show_conflict(exc)
        st.button("Discard my changes and load theirs", key=f"{prefix}-reload", on_click=forget, args=(prefix,))
        return False
    except (ValueError, NotFound) as exc:
        st.error(md(exc))
        return False
    forget(prefix)
    say(done)
    return True


def show_conflict(exc: ConflictError) -> None:
    st.error(md(exc))
    change = exc.change
    if change:
        st.markdown(f"What {md(change.editor)} saved at {change.at:%H:%M:%S}:\n" + "\n".join(
            f"- {md(field)}: {md(was)} → {md(now)}" for field, was, now in change.described()))


def opened(key: str, current):
    """What a form was opened on (a record, with its version): it saves only what the editor
    changed since, against that version, so another editor's save is never silently undone."""
    return st.session_state.setdefault(f"{key}-opened", current)


def fields_key(key: str, was) -> str:
    """The prefix of a form's widget keys: it names the version the form shows (``was``: a story
    record, or where a place is stored). Streamlit's browser
    sends a keyed widget's old value back even after the page forgot it, so after a save, an undo
    or "load what is saved" the form must be a new one, or a stale value would be saved back."""
    return f"{key}-v{was.version}"


SINCE_OPENED = (", since this form was opened. Saving from here keeps that change unless you change the same "
                "thing; or load what is saved now.")


def changed_since(key: str, changed: bool, what: str, latest=None, editor=None) -> None:
    """Say so when what this form shows was saved since it was opened, by whom (``latest``, the
    newest change), and offer to load it."""
    if not changed:
        return
    if latest is not None and editor is not None and latest.editor == editor.name:
        st.info(f"You saved {md(what)} at {latest.at:%H:%M:%S} (elsewhere in the editor){SINCE_OPENED}")
    elif latest is not None:
        st.info(f"{md(latest.editor)} saved {md(what)} at {latest.at:%H:%M:%S}{SINCE_OPENED}")
    else:
        st.info(f"Someone saved {md(what)}{SINCE_OPENED}")
    st.button("Load what is saved now", key=f"{key}-load", on_click=forget, args=(key,))
