"""Scenarios and helpers several test modules share."""

import pytest
from django.db import connection

from articles import compiled
from tests.factories import BackgroundNoteFactory, BylineFactory, FullArticleFactory


def public_and_draft():
    """A public article and a draft whose byline and background note must never reach a reader."""
    public = FullArticleFactory(headline="Public story")
    draft = FullArticleFactory(headline="Secret draft", draft=True)
    BylineFactory(article=draft, author__name="Undercover Source", order=9)
    BackgroundNoteFactory(article=draft, text="EMBARGOED: the minister resigns on Friday.")
    return public, draft


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's message and statements")


def prepared_names():
    """The names of the statements articles.compiled has prepared on this PostgreSQL connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE starts_with(name, 'newsroom_')")
        return {name for (name,) in cursor.fetchall()}


def forget_prepared_statements():
    """No statement prepared on this connection, and articles.compiled knowing none (the connection outlives
    each test, and PREPARE is not undone by the test's rollback)."""
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    compiled._prepared.clear()
