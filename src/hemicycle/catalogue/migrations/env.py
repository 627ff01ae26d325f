"""Alembic environment: the engine comes from hemicycle.catalogue.db, not from an ini file."""

from alembic import context

from hemicycle.catalogue.registry import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata(),
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
