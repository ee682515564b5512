"""SQLite: the FTS5 table takes search.text's tokens as they are. Its tokenizer was ``unicode61
remove_diacritics 2``, which splits words at combining marks (Hindi किताब "book" became क त ब, the tokens of
कुतुब too, so each found the other) and folds what Python's folding kept apart, while PostgreSQL stores the
tokens exactly: the two databases gave different results. Now combining marks are token characters and nothing is
folded again (the tokens are folded already). Existing rows are copied into the new table (FTS5 tokenizes them
anew); PostgreSQL has nothing to do."""

from django.db import migrations

COLUMNS = 'headline, meta, body, pairs, tokenize = "unicode61 remove_diacritics {} {}"'
NEW = COLUMNS.format(0, "categories 'L* N* M* Co'")
OLD = COLUMNS.format(2, "")


def _retokenize(columns):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        schema_editor.execute("DROP TABLE IF EXISTS search_fts_new")
        schema_editor.execute(f"CREATE VIRTUAL TABLE search_fts_new USING fts5({columns})")
        schema_editor.execute(
            "INSERT INTO search_fts_new (rowid, headline, meta, body, pairs)"
            " SELECT rowid, headline, meta, body, pairs FROM search_fts"
        )
        schema_editor.execute("DROP TABLE search_fts")
        schema_editor.execute("ALTER TABLE search_fts_new RENAME TO search_fts")

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0007_facet_tokens_exact")]

    operations = [migrations.RunPython(_retokenize(NEW), _retokenize(OLD), elidable=False)]
