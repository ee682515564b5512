"""Data migrations do right by the rows that exist when they run."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0003_article_language")]
AFTER = [("articles", "0006_article_uid_unique")]


@pytest.mark.django_db(transaction=True)
def test_every_existing_article_gets_its_own_permanent_id():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    section = old.get_model("articles", "Section").objects.create(name="News", slug="news")
    Article = old.get_model("articles", "Article")
    for n in range(3):
        Article.objects.create(headline=f"Old {n}", slug=f"old-{n}", section=section, language="en")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state(AFTER).apps.get_model("articles", "Article")
    uids = list(new.objects.values_list("uid", flat=True))
    assert len(uids) == 3 and None not in uids and len(set(uids)) == 3
