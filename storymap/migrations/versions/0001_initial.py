"""Stories, their places, the history of changes, and uploaded images.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(200), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("date", sa.String(10)),
        sa.Column("dateline", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "places",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("gazetteer_id", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("country", sa.String(8), nullable=False),
        sa.Column("precision_km", sa.Float, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("mentions", sa.JSON, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("runners_up", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("geocoder", sa.String(100), nullable=False),
        sa.Column("located_at", sa.String(40), nullable=False),
        sa.Column("media_url", sa.Text, nullable=False),
        sa.Column("media_caption", sa.Text, nullable=False),
        sa.Column("media_credit", sa.Text, nullable=False),
        sa.Column("tour_order", sa.Integer),
        sa.Column("tour_hidden", sa.Boolean, nullable=False),
        sa.Column("tour_zoom", sa.Integer),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("story_id", "key"),
    )
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("place_id", sa.Integer),
        sa.Column("editor", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.Column("undoes", sa.Integer),
    )
    op.create_table(
        "media",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("mime", sa.String(40), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade():
    for table in ("media", "changes", "places", "stories"):
        op.drop_table(table)
