"""Articles' own images (before the library) become library Images with the same file, alt, caption and credit."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import image_bytes

BEFORE = [("articles", "0011_desk_notes")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_article_images_move_into_the_library():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(BEFORE)
    try:
        Section = old.get_model("articles", "Section")
        Article = old.get_model("articles", "Article")
        section = Section.objects.create(name="News", slug="news")
        name = default_storage.save("articles/2024/12/pylons.png", ContentFile(image_bytes((90, 60))))
        fields = {"section": section, "status": "published", "published_at": timezone.now(), "body": ""}
        pictured = Article.objects.create(
            headline="Pictured",
            slug="pictured",
            featured_image=name,
            image_alt="Pylons at dusk",
            image_caption="The northern line.",
            image_credit="Jane Doe / Agency",
            **fields,
        )
        lost = Article.objects.create(
            headline="Lost file",
            slug="lost",
            featured_image="articles/gone.jpg",
            image_alt="Gone",
            image_width=300,
            image_height=200,
            **fields,
        )
        Article.objects.create(headline="No picture", slug="plain", **fields)
    finally:
        new = migrate(latest)
    Article = new.get_model("articles", "Article")
    moved = Article.objects.get(pk=pictured.pk).featured_image
    assert (moved.file.name, moved.alt_text, moved.caption, moved.credit) == (
        name,
        "Pylons at dusk",
        "The northern line.",
        "Jane Doe / Agency",
    )
    assert (moved.width, moved.height) == (90, 60)
    # A file that is gone keeps its record; pages show no picture for it (see test_images).
    missing = Article.objects.get(pk=lost.pk).featured_image
    assert (missing.file.name, missing.alt_text, missing.width) == ("articles/gone.jpg", "Gone", 300)
    assert Article.objects.get(slug="plain").featured_image is None
