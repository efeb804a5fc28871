"""Whether a story's tour joins its stops with a line (an editor's choice); every story so far did.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("stories") as batch:
        batch.add_column(sa.Column("tour_line", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade():
    # Not batch mode: on SQLite it rebuilds the table, and dropping the old one would delete every
    # place and change with it (their foreign keys cascade). SQLite drops columns itself since 3.35.
    op.execute("ALTER TABLE stories DROP COLUMN tour_line")
