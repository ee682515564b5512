"""Back up and restore keep everything, revisions on their own articles included (manage.py backup/restore)."""

import json

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from reversion.models import Version

from articles.models import Article, Citation, SlugHistory
from tests.desk import editor
from tests.factories import ArticleFactory, CitationFactory, CorrectionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def revised(headline, *edits, user=None):
    """An article saved once per headline in ``edits`` after ``headline``, each save a revision."""
    with reversion.create_revision():
        reversion.set_user(user)
        article = ArticleFactory(headline=headline, slug=None)
    for edit in edits:
        with reversion.create_revision():
            article.headline = edit
            article.save()
    return article


def snapshot():
    """What must survive: each article's revisions (by the slug and headline saved in them), and more."""
    return {
        "revisions": {
            a.pk: sorted((v.field_dict["slug"], v.field_dict["headline"]) for v in Version.objects.get_for_object(a))
            for a in Article.objects.all()
        },
        # Not `version`: a loaded row counts as a new save (articles.models), so forms opened before are stale.
        "articles": sorted(
            Article.objects.values_list("pk", "uid", "slug", "headline", "body", "status", "published_at", "updated_at")
        ),
        # Old addresses, like revisions, name their row by primary key.
        "old_addresses": sorted(SlugHistory.objects.values_list("kind", "old_slug", "object_id", "created_at")),
        "citations": Citation.objects.count(),
        "users": sorted(get_user_model().objects.values_list("pk", "username", "password")),
        "groups": sorted(get_user_model().objects.values_list("username", "groups__name")),
    }


def test_a_round_trip_keeps_every_revision_on_its_own_article(tmp_path):
    boss = editor()
    # Deleted articles leave gaps in the keys, as in any real database: a restore that renumbers articles
    # (dumpdata --natural-primary) then hands their revisions to the wrong ones.
    for gone in ArticleFactory.create_batch(3):
        gone.delete()
    alpha = revised("Alpha first", "Alpha second", "Alpha third", user=boss)
    beta = revised("Beta first", "Beta second", user=boss)
    alpha.slug = "alpha-renamed"
    alpha.save()  # its old address now leads to it
    CitationFactory(article=alpha)
    CorrectionFactory(article=beta)
    before = snapshot()
    backup = tmp_path / "newsroom.backup.gz"

    call_command("backup", str(backup), verbosity=0)
    call_command("restore", str(backup), "--replace", verbosity=0)

    assert before["old_addresses"]
    assert snapshot() == before
    # Restoring alpha's first revision changes alpha, and only alpha.
    first = Version.objects.get_for_object(Article.objects.get(pk=alpha.pk)).last()
    first.revision.revert()
    assert Article.objects.get(pk=alpha.pk).headline == "Alpha first"
    assert Article.objects.get(pk=beta.pk).headline == "Beta second"


def test_a_backup_is_plain_json_without_rebuilt_or_transient_rows(tmp_path):
    revised("Some story", user=editor())
    backup = tmp_path / "newsroom.backup"
    call_command("backup", str(backup), verbosity=0)
    models = {row["model"] for row in json.loads(backup.read_text())}
    assert {"articles.article", "reversion.version", "reversion.revision", "auth.user"} <= models
    assert not models & {"contenttypes.contenttype", "auth.permission", "sessions.session"}


def test_restore_refuses_to_replace_articles_unless_asked(tmp_path):
    revised("Some story")
    backup = tmp_path / "newsroom.backup"
    call_command("backup", str(backup), verbosity=0)
    with pytest.raises(CommandError, match="already holds 1 articles; restoring replaces everything"):
        call_command("restore", str(backup), verbosity=0)


def test_a_broken_backup_changes_nothing(tmp_path):
    revised("Kept story")
    broken = tmp_path / "broken.backup"
    broken.write_text('[{"model": "articles.article", "pk": 1, "fields": {"status": "nonsense"')
    with pytest.raises(CommandError, match=r"broken\.backup.*Nothing was changed"):
        call_command("restore", str(broken), "--replace", verbosity=0)
    assert list(Article.objects.values_list("headline", flat=True)) == ["Kept story"]
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.json"), "--replace", verbosity=0)


def test_a_backup_needs_a_name_that_says_its_format(tmp_path):
    with pytest.raises(CommandError, match=r"name the file \*.backup or \*.backup.gz"):
        call_command("backup", str(tmp_path / "newsroom.json"), verbosity=0)
