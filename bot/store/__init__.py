"""Storage: SQLAlchemy models, migrations and the repository layer. No SQL outside it."""
