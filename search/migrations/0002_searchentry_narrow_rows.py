from django.db import migrations

# PostgreSQL only. A search reads many index entries by their row (the GIN index gives row addresses; visibility
# and the article id come from the table), so narrow rows mean few pages: with the body text and the tsvectors
# kept inline, 100,000 entries fill ~40,000 pages and counting the matches of a common word read ~8,000 of
# them; moved out of line (TOAST) as soon as a row passes 128 bytes, they fit in ~1,500 pages.
# https://www.postgresql.org/docs/current/storage-toast.html ("toast_tuple_target"). Rows take the setting
# when next written: run `manage.py rebuild_search_index` once after deploying.
SQL = {
    "postgresql": (
        "ALTER TABLE search_searchentry SET (toast_tuple_target = 128)",
        "ALTER TABLE search_searchentry RESET (toast_tuple_target)",
    )
}


def narrow(apps, schema_editor):
    if schema_editor.connection.vendor in SQL:
        schema_editor.execute(SQL[schema_editor.connection.vendor][0])


def widen(apps, schema_editor):
    if schema_editor.connection.vendor in SQL:
        schema_editor.execute(SQL[schema_editor.connection.vendor][1])


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(narrow, widen, elidable=False)]
