"""The body is the only HTML we render: only the editor's formatting survives, on save and on render."""

import pytest

from articles.models import Article
from articles.text import sanitize_html
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

HOSTILE = {
    "script": ("<p>a</p><script>pwnedScript()</script>", "<p>a</p>"),
    "event handler": ('<p onclick="pwnedClick()">a</p>', "<p>a</p>"),
    "javascript url": ('<a href="javascript:pwnedHref()">a</a>', '<a rel="noopener noreferrer">a</a>'),
    "data url": ('<a href="data:text/html,pwnedData">a</a>', '<a rel="noopener noreferrer">a</a>'),
    "style attribute": ('<p style="background:url(pwnedStyle)">a</p>', "<p>a</p>"),
    "style element": ("<style>body{pwnedCss:1}</style><p>a</p>", "<p>a</p>"),
    "iframe": ('<iframe src="https://evil.example/pwnedFrame"></iframe><p>a</p>', "<p>a</p>"),
    "image with handler": ('<img src="x" onerror="pwnedImg()"><p>a</p>', "<p>a</p>"),
    "svg": ('<svg onload="pwnedSvg()"><circle/></svg><p>a</p>', "<p>a</p>"),
    "form": ('<form action="https://evil.example"><input name="pwnedForm"></form><p>a</p>', "<p>a</p>"),
    "unclosed": ("<p>a<b>b", "<p>a<b>b</b></p>"),
}
ALLOWED = (
    "<h2>Heading</h2>\n<p><strong>bold</strong> <em>italic</em> <u>u</u> <s>s</s> H<sub>2</sub>O x<sup>2</sup><br>"
    '<a href="https://example.org/report?id=1&amp;x=2" title="The report" rel="noopener noreferrer">link</a> '
    '<abbr title="North Atlantic Treaty Organization">NATO</abbr> <code>code</code></p>\n'
    "<blockquote><p>Quoted</p></blockquote>\n<ul><li>one</li></ul><ol><li>two</li></ol><hr>"
)


@pytest.mark.parametrize("kind", HOSTILE)
def test_dangerous_markup_is_removed_when_an_article_is_saved(kind):
    dirty, clean = HOSTILE[kind]
    article = ArticleFactory(body=dirty)
    assert Article.objects.get(pk=article.pk).body == clean


def test_allowed_formatting_is_kept():
    article = ArticleFactory(body=ALLOWED)
    assert Article.objects.get(pk=article.pk).body == ALLOWED


def test_links_get_rel_noopener_and_keep_safe_schemes():
    assert sanitize_html('<a href="mailto:desk@example.org">a</a>') == (
        '<a href="mailto:desk@example.org" rel="noopener noreferrer">a</a>'
    )
    assert sanitize_html('<a href="https://example.org/" target="_blank">a</a>') == (
        '<a href="https://example.org/" rel="noopener noreferrer">a</a>'
    )


def test_body_written_around_save_is_sanitized_when_rendered(client):
    """Fixtures, raw SQL and migrations bypass save(); the page must still be safe."""
    article = ArticleFactory()
    dirty = "".join(dirty for dirty, _ in HOSTILE.values()) + "<p>Still here</p>"
    Article.objects.filter(pk=article.pk).update(body=dirty)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Still here" in html
    assert "pwned" not in html
    assert "javascript:" not in html


def test_headline_and_dek_are_plain_text_on_the_page(client):
    article = ArticleFactory(headline="<script>pwnedHeadline()</script> & “quotes”", dek="<b>not bold</b> & co")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>pwnedHeadline" not in html
    assert "&lt;script&gt;pwnedHeadline()&lt;/script&gt; &amp; “quotes”" in html
    assert "&lt;b&gt;not bold&lt;/b&gt; &amp; co" in html
