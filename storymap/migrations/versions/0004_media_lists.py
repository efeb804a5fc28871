"""A place has a short list of media (images, video, audio, YouTube and Vimeo links) instead of one
image: the ``media_url``, ``media_caption`` and ``media_credit`` columns become one JSON list.

The history is rewritten the same way, so every change stays undoable: each change that touched
the image records the place's list before and after it (replayed from the place's first change,
as changes record only what they changed).

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

from storymap.media import legacy_media

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LEGACY = ("media_url", "media_caption", "media_credit")
_places = sa.table("places", sa.column("id", sa.Integer), sa.column("name", sa.Text), sa.column("media", sa.JSON),
                   *(sa.column(c, sa.Text) for c in LEGACY))
_changes = sa.table("changes", sa.column("id", sa.Integer), sa.column("place_id", sa.Integer),
                    sa.column("before", sa.JSON), sa.column("after", sa.JSON))


def _as_list(values: dict, name: str) -> list[dict]:
    return legacy_media(values.get("media_url") or "", values.get("media_caption") or "",
                        values.get("media_credit") or "", name)


def _as_columns(media: list) -> dict:
    first = media[0] if media else {}
    return {"media_url": first.get("url", ""), "media_caption": first.get("caption", ""),
            "media_credit": first.get("credit", "")}


def _rewrite_history(db, convert) -> None:
    """Each place's changes in order, with ``convert(state, before, after)`` giving their new
    (before, after): ``state`` is the place's values as that change found them."""
    names = dict(db.execute(sa.select(_places.c.id, _places.c.name)).all())
    states: dict[int, dict] = {}
    query = sa.select(_changes).where(_changes.c.place_id.is_not(None)).order_by(_changes.c.id)
    for change in db.execute(query).all():
        state = states.setdefault(change.place_id, {})
        before, after = convert(state, change.before, change.after, names.get(change.place_id, ""))
        state.update(change.after or {})
        if (before, after) != (change.before, change.after):
            db.execute(sa.update(_changes).where(_changes.c.id == change.id).values(before=before, after=after))


def _to_lists(state: dict, before, after, name: str):
    if not any(k in (before or {}) or k in (after or {}) for k in LEGACY):
        return before, after
    new = {**state, **(after or {})}
    strip = lambda values: {k: v for k, v in values.items() if k not in LEGACY}  # noqa: E731
    return (None if before is None else {**strip(before), "media": _as_list(state, name)},
            None if after is None else {**strip(after), "media": _as_list(new, name)})


def _to_columns(state: dict, before, after, name: str):
    if "media" not in (before or {}) and "media" not in (after or {}):
        return before, after
    new = {**state, **(after or {})}
    strip = lambda values: {k: v for k, v in values.items() if k != "media"}  # noqa: E731
    return (None if before is None else {**strip(before), **_as_columns(state.get("media") or [])},
            None if after is None else {**strip(after), **_as_columns(new.get("media") or [])})


def upgrade():
    with op.batch_alter_table("places") as batch:
        batch.add_column(sa.Column("media", sa.JSON, nullable=False, server_default="[]"))
    db = op.get_bind()
    for row in db.execute(sa.select(_places).where(_places.c.media_url != "")).all():
        db.execute(sa.update(_places).where(_places.c.id == row.id)
                   .values(media=_as_list(row._asdict(), row.name)))
    _rewrite_history(db, _to_lists)
    with op.batch_alter_table("places") as batch:
        for column in LEGACY:
            batch.drop_column(column)


def downgrade():
    """Back to one image a place: its first medium (an image, or the address of a video or sound)."""
    with op.batch_alter_table("places") as batch:
        for column in LEGACY:
            batch.add_column(sa.Column(column, sa.Text, nullable=False, server_default=""))
    db = op.get_bind()
    for row in db.execute(sa.select(_places.c.id, _places.c.media)).all():
        if row.media:
            db.execute(sa.update(_places).where(_places.c.id == row.id).values(**_as_columns(row.media)))
    _rewrite_history(db, _to_columns)
    with op.batch_alter_table("places") as batch:
        batch.drop_column("media")
