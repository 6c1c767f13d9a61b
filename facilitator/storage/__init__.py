"""The local store: SQLAlchemy models, the engine and its pragmas, and Alembic migrations."""
