"""Stories can be deleted and restored: a flag, never a removal, so the deletion can be undone.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("stories") as batch:
        batch.add_column(sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("deleted")
