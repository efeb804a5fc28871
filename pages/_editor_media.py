"""A place's media in its form: each item as it stands (its texts, its position, remove it) and
one new item, an address or an upload. The list is made, and the upload stored, only on Save."""

import streamlit as st

from storymap import newsroom
from storymap.escaping import markdown_text as md
from storymap.media import IMAGE, MAX_ALT, MAX_BYTES, MAX_CAPTION, MAX_CREDIT, MAX_ITEMS, MB, MEDIA_KIND_LABELS, \
    MAX_UPLOAD_BYTES, MEDIA_KINDS

LIMITS = ", ".join(f"{kind} {MAX_BYTES[kind] // MB} MB" for kind in MAX_BYTES)


def _texts(key: str, item: dict) -> dict:
    for field in ("caption", "credit", "alt"):
        st.session_state.setdefault(f"{key}-{field}", item.get(field, ""))
    # No max_chars: the browser would cut a longer paste short, or drop it, without a word; the
    # save says which field is too long instead, and nothing typed is lost.
    c1, c2, c3 = st.columns(3)
    return {"caption": c1.text_input("Caption", key=f"{key}-caption", help=f"Up to {MAX_CAPTION} characters."),
            "credit": c2.text_input("Credit", key=f"{key}-credit", help=f"Up to {MAX_CREDIT} characters."),
            "alt": c3.text_input("Alt text (required)" if item.get("kind") == IMAGE else "Alt text (for an image)",
                                 key=f"{key}-alt", help=f"What the image shows, read to readers who cannot "
                                 f"see it; up to {MAX_ALT} characters.")}


def media_fields(prefix: str, media: list[dict]):
    """Draw the fields; return what makes the place's new list of media on Save: ``collect(store, editor)``."""
    st.markdown(f"**Media** — images, video, audio, YouTube or Vimeo; at most {MAX_ITEMS}, shown in this order")
    kept = []
    for i, item in enumerate(media):
        key = f"{prefix}-m{i}"
        with st.container(border=True):
            where = "an uploaded file" if item["url"].startswith("media:") else item["url"]
            st.caption(f"{i + 1:d}. {md(MEDIA_KIND_LABELS.get(item['kind'], item['kind']))}: {md(where)}")
            texts = _texts(key, item)
            d1, d2 = st.columns(2)
            position = d1.number_input("Position", 1, len(media), i + 1, key=f"{key}-position")
            if not d2.checkbox("Remove", key=f"{key}-remove"):
                kept.append((position, i + 1, {**item, **texts}))
    if len(media) >= MAX_ITEMS:
        return lambda store, editor: newsroom.ordered_media(kept, None)
    with st.container(border=True):
        st.caption("Add one")
        m1, m2 = st.columns(2)
        kind = m1.selectbox("Kind of address", MEDIA_KINDS, format_func=MEDIA_KIND_LABELS.get, key=f"{prefix}-new-kind")
        address = m1.text_input("Address (https://…)", key=f"{prefix}-new-url")
        upload = m2.file_uploader(f"…or upload a file ({LIMITS}; its kind is read from its content)",
                                  key=f"{prefix}-upload", max_upload_size=MAX_UPLOAD_BYTES // MB)
        texts = _texts(f"{prefix}-new", {"kind": IMAGE})

    def collect(store, editor) -> list[dict]:
        new = None
        if upload is not None:
            new = newsroom.upload_medium(store, editor, upload.getvalue(), **texts)
        elif address.strip():
            new = {"kind": kind, "url": address.strip(), **texts}
        return newsroom.ordered_media(kept, new)

    return collect
