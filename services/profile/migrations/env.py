"""Alembic environment: the URL comes from PROFILE_DATABASE_URL."""
import os

from alembic import context
from sqlalchemy import create_engine

from profiles.models import Base

DEFAULT_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/ausm_profile"


def run():
    url = os.environ.get("PROFILE_DATABASE_URL") or DEFAULT_URL
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
