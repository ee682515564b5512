"""Django's PostgreSQL backend with a cheaper check of a reused connection (see base.DatabaseWrapper)."""
