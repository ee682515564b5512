"""Addresses of slugged pages are exactly what Django's reverse() gives, for any slug."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from articles.links import slug_url

SLUGS = ["plain", "kyiv-київ", "東京-タワー", "ภาษาไทย", "café", "a%20b", "semi;colon", "q?x#y", "at@:~", "e\u0301"]


@pytest.mark.parametrize("name", ["articles:article", "articles:section", "articles:tag", "articles:source"])
@pytest.mark.parametrize("slug", SLUGS)
def test_a_slug_address_is_what_reverse_gives(name, slug):
    assert slug_url(name, slug) == reverse(name, kwargs={"slug": slug})


def test_the_script_prefix_is_followed():
    try:
        set_script_prefix("/news/")
        assert slug_url("articles:author", "ana") == reverse("articles:author", kwargs={"slug": "ana"})
        assert slug_url("articles:author", "ana").startswith("/news/authors/")
    finally:
        set_script_prefix("/")
    assert slug_url("articles:author", "ana") == "/authors/ana/"


@pytest.mark.parametrize("slug", ["", "a/b", "nul\x00"])
def test_a_slug_the_pattern_refuses_is_refused_as_by_reverse(slug):
    with pytest.raises(NoReverseMatch):
        slug_url("articles:tag", slug)


def test_the_links_of_every_page_are_what_reverse_and_static_give():
    from django.templatetags.static import static

    from articles.context_processors import site_links

    names = {"home": "articles:home", "search": "search:search", "rss": "articles:site_rss"}
    names |= {"atom": "articles:site_atom", "json": "articles:site_json", "corrections": "articles:corrections"}
    names |= {"corrections_rss": "articles:corrections_rss"}
    files = {"stylesheet": "css/site.css", "favicon": "favicon.ico", "touch_icon": "img/apple-touch-icon.png"}
    try:
        for prefix in ("/", "/news/", "/"):
            set_script_prefix(prefix)
            links = site_links()
            assert links == {key: reverse(name) for key, name in names.items()} | {
                key: static(path) for key, path in files.items()
            }
            assert links["rss"].startswith(prefix)
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("length", [0, 1, 5, 12, 200])
@pytest.mark.parametrize(
    "text", ["", "short", "exactly twelve", "e\u0301e\u0301e\u0301 combining", "Straße" * 40, "a" * 200, "a" * 201]
)
def test_clip_is_truncatechars(text, length):
    from django.template.defaultfilters import truncatechars
    from django.utils.safestring import SafeString, mark_safe

    from articles.templatetags.newsroom import clip

    assert clip(text, length) == truncatechars(text, length)
    assert clip(text, str(length)) == truncatechars(text, str(length))
    safe = mark_safe(text)  # noqa: S308 (a test's own text)
    assert isinstance(clip(safe, length), SafeString) == isinstance(truncatechars(safe, length), SafeString)
