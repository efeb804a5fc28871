"""Schema migrations (Alembic): ``python -m storymap migrate`` brings a database to this
Storymap's schema; :class:`~storymap.storage.Storage` checks it is there.

Two processes migrating one PostgreSQL database at once take turns: each holds an advisory
lock for its transaction, and the second finds the work done.
"""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

LOCK_KEY = 0x5709_4D41  # any number unique to Storymap among the database's advisory locks


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parent))
    return cfg


def head() -> str:
    """The revision this Storymap's code expects."""
    return ScriptDirectory.from_config(config()).get_current_head()


def current(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty one)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
