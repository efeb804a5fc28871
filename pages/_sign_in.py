"""Who may change a story: editors signed in with a password, or through the organisation's OpenID Connect."""

import streamlit as st

from pages._resources import secret_section
from storymap.accounts import SIGN_INS, Editor, accounts_from_env, client_of
from storymap.escaping import markdown_text as md


def accounts() -> dict[str, str]:
    configured = dict(accounts_from_env())
    configured.update(secret_section("storymap").get("editors", {}))
    return configured


def oidc_editor() -> Editor | None:
    """An OpenID Connect user whose e-mail the deployment lists as an editor."""
    allowed = set(secret_section("storymap").get("oidc_editors", []))
    try:
        if allowed and st.user.is_logged_in and st.user.get("email") in allowed:
            return Editor(st.user.email, via="oidc")
    except (AttributeError, KeyError):
        pass
    return None


def sign_in(heading: str) -> Editor | None:
    """The signed-in editor; otherwise the sign-in form under ``heading``, and None."""
    editor = st.session_state.get("editor") or oidc_editor()
    if editor:
        with st.sidebar:
            st.caption(f"Signed in as {md(editor.name)}")
            if st.button("Sign out"):
                st.session_state.pop("editor", None)
                st.rerun()
        return editor
    st.title(md(heading))
    st.write("Readers can read every story; only signed-in editors can change one.")
    if not accounts():
        st.info("No editor accounts are set up. Make a password hash with `python -m storymap hash-password` "
                "and set `STORYMAP_EDITORS='name=HASH'` (or `[storymap.editors]` in Streamlit secrets).")
    with st.form("sign-in"):
        name = st.text_input("Name")
        password = st.text_input("Password", type="password")
        if st.form_submit_button("Sign in"):
            client = client_of(st.context.ip_address, st.session_state)
            outcome = SIGN_INS.sign_in(name, password, client, accounts())
            if isinstance(outcome, Editor):
                st.session_state["editor"] = outcome
                st.rerun()
            st.error(md(outcome.message()) if outcome else "That name and password do not match an editor account.")
    if secret_section("auth"):
        st.button("Sign in with your organisation", on_click=st.login)
    return None
