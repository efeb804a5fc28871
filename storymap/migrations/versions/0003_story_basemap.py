"""A story's base map: the tiles its editor chose (storymap.tiles); empty is the deployment's default.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("stories") as batch:
        batch.add_column(sa.Column("basemap", sa.String(100), nullable=False, server_default=""))


def downgrade():
    # Not batch mode: on SQLite it rebuilds the table, and dropping the old one would delete every
    # place with it (their foreign keys cascade). SQLite has dropped columns itself since 3.35.
    op.execute("ALTER TABLE stories DROP COLUMN basemap")
