"""The catalogue: the source of truth for metadata (SQLAlchemy 2, SQLite or PostgreSQL)."""
