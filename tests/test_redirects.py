"""Links are forever: every old address of an article, section, tag, source or author answers 301."""

import pytest
import reversion
from django.contrib.auth.models import Permission
from django.utils.encoding import iri_to_uri
from reversion.models import Version

from articles import services
from articles.models import Article, SlugHistory, Source, Tag
from tests import desk
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    CitationFactory,
    SectionFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def assert_moved(client, old, new):
    response = client.get(old)
    assert response.status_code == 301, old
    assert response["Location"] == new
    assert client.get(new).status_code == 200


def test_a_changed_article_slug_redirects_with_its_query(client):
    article = ArticleFactory(slug="first-address")
    article.slug = "second-address"
    article.save()
    article.slug = "third-address"
    article.save()
    assert_moved(client, "/articles/first-address/", "/articles/third-address/")
    assert_moved(client, "/articles/second-address/?utm=x", "/articles/third-address/?utm=x")
    assert set(SlugHistory.objects.values_list("old_slug", flat=True)) == {"first-address", "second-address"}


def test_an_article_keeps_its_permanent_id_when_its_slug_changes():
    article = ArticleFactory()
    uid = article.uid
    article.slug = "elsewhere"
    article.save()
    article.refresh_from_db()
    assert article.uid == uid
    assert article.urn == f"urn:uuid:{uid}"
    assert ArticleFactory().uid != uid


def test_a_live_slug_wins_over_an_old_one(client):
    moved = ArticleFactory(slug="taken")
    moved.slug = "moved"
    moved.save()
    ArticleFactory(slug="taken", headline="The new owner")
    response = client.get("/articles/taken/")
    assert response.status_code == 200
    assert "The new owner" in response.content.decode()


def test_an_old_address_never_reveals_a_draft(client):
    draft = ArticleFactory(slug="draft-one", draft=True)
    draft.slug = "secret-new-name"
    draft.save()
    assert client.get("/articles/draft-one/").status_code == 404
    assert client.get("/articles/never-existed/").status_code == 404


def test_a_renamed_tag_redirects_its_page_and_feeds(client):
    tag = ArticleFactory(tags=["Ukraine"]).tags.get()
    old = tag.slug
    services.rename_tag(tag, "Україна")
    tag.refresh_from_db()
    assert_moved(client, f"/tags/{old}/", tag.get_absolute_url())
    for fmt in ("rss", "atom", "json"):
        assert_moved(client, f"/feeds/tags/{old}/{fmt}/", iri_to_uri(f"/feeds/tags/{tag.slug}/{fmt}/"))


def test_a_merged_tag_leads_to_the_tag_it_was_merged_into(client):
    ArticleFactory(tags=["Kiev"])
    ArticleFactory(tags=["Kyiv"])
    kiev, kyiv = Tag.objects.get(name="Kiev"), Tag.objects.get(name="Kyiv")
    services.rename_tag(kiev, "Kiev city")
    services.merge_tags(kyiv, [Tag.objects.get(pk=kiev.pk)], user=desk.editor())
    assert_moved(client, "/tags/kiev/", "/tags/kyiv/")  # its first address
    assert_moved(client, "/tags/kiev-city/", "/tags/kyiv/")  # and its last
    assert_moved(client, "/feeds/tags/kiev-city/atom/", "/feeds/tags/kyiv/atom/")


def test_a_merged_source_leads_to_the_source_it_was_merged_into(client):
    keep, duplicate = SourceFactory(name="Reuters"), SourceFactory(name="Thomson Reuters")
    CitationFactory(source=duplicate)
    old = duplicate.slug
    services.merge_sources(keep, duplicate, user=desk.editor())
    assert not Source.objects.filter(slug=old).exists()
    assert_moved(client, f"/sources/{old}/", keep.get_absolute_url())
    assert_moved(client, f"/feeds/sources/{old}/rss/", f"/feeds/sources/{keep.slug}/rss/")


def test_a_renamed_section_and_author_redirect(client):
    section = SectionFactory(name="World")
    author = AuthorFactory(name="Olena")
    BylineFactory(author=author, article=ArticleFactory(section=section))
    section.slug, author.slug = "international", "olena-k"
    section.save()
    author.save()
    assert_moved(client, "/sections/world/", "/sections/international/")
    assert_moved(client, "/feeds/sections/world/atom/", "/feeds/sections/international/atom/")
    assert_moved(client, "/authors/olena/", "/authors/olena-k/")


def test_editors_see_old_addresses_read_only(client):
    article = ArticleFactory(slug="before")
    article.slug = "after"
    article.save()
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_slughistory"))
    client.force_login(editor)
    response = client.get("/admin/articles/slughistory/")
    assert response.status_code == 200
    assert "before" in response.content.decode() and "/articles/after/" in response.content.decode()
    assert client.get("/admin/articles/slughistory/add/").status_code == 403
    entry = SlugHistory.objects.get()
    assert client.post(f"/admin/articles/slughistory/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Article.objects.get().slug == "after"


def test_restoring_an_older_slug_keeps_the_newer_address_working(client):
    with reversion.create_revision():
        article = ArticleFactory(slug="original")
    article.slug = "renamed"
    with reversion.create_revision():
        article.save()
    Version.objects.get_for_object(article).order_by("pk").first().revision.revert()
    assert Article.objects.get(pk=article.pk).slug == "original"
    assert_moved(client, "/articles/renamed/", "/articles/original/")


def test_a_slug_changed_on_the_desk_redirects(client):
    article = ArticleFactory(slug="desk-before")
    client.force_login(desk.editor())
    url = desk.admin_url(article, "change")
    response = client.post(url, desk.posted_form(client.get(url), slug="desk-after"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_moved(client, "/articles/desk-before/", "/articles/desk-after/")
    section = article.section
    url = desk.admin_url(section, "change")
    response = client.post(url, desk.posted_form(client.get(url), slug="news-desk"))
    assert response.status_code == 302
    assert_moved(client, "/sections/news/", "/sections/news-desk/")


def test_a_save_that_does_not_write_the_slug_records_nothing():
    article = ArticleFactory(slug="kept")
    article.slug = "not-saved"
    article.save(update_fields=["headline"])
    assert not SlugHistory.objects.exists()
    article.save()
    assert SlugHistory.objects.get().old_slug == "kept"


def test_an_address_typed_in_other_case_leads_to_the_page(client):
    """Slugs are lower case; an address typed or pasted in capitals (any script) answers 301, drafts excepted."""
    article = ArticleFactory(headline="Talks resume", tags=["Україна"])
    tag = article.tags.get()
    assert_moved(client, iri_to_uri(f"/tags/{tag.slug.upper()}/"), tag.get_absolute_url())
    assert_moved(client, f"/articles/{article.slug.upper()}/?ref=mail", article.get_absolute_url() + "?ref=mail")
    assert_moved(client, iri_to_uri(f"/feeds/tags/{tag.slug.upper()}/rss/"), iri_to_uri(f"/feeds/tags/{tag.slug}/rss/"))
    draft = ArticleFactory(slug="quiet-draft", draft=True)
    assert client.get(f"/articles/{draft.slug.upper()}/").status_code == 404
    assert client.get("/tags/NO-SUCH-TAG/").status_code == 404
