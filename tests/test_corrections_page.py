"""/corrections/: every correction and clarification readers can see, newest first, one page at a time."""

import datetime

import pytest
from django.utils import timezone
from lxml import html as lxml_html

from tests.factories import ArticleFactory, CorrectionFactory

pytestmark = pytest.mark.django_db


def test_lists_every_public_correction_newest_first_and_paginates(client):
    now = timezone.now()
    article = ArticleFactory(headline="Corrected story")
    for hours in range(22):
        CorrectionFactory(article=article, text=f"Fix {hours}", published_at=now - datetime.timedelta(hours=hours))
    CorrectionFactory(article=ArticleFactory(draft=True), text="SECRET fix")
    CorrectionFactory(article=ArticleFactory(scheduled=True), text="SECRET scheduled fix", kind="clarification")
    doc = lxml_html.fromstring(client.get("/corrections/").content)
    items = doc.xpath('//ol[@class="corrections-list"]/li')
    assert [item.xpath("string(span)") for item in items] == [f"Fix {h}" for h in range(20)]
    first = items[0]
    assert first.xpath("a/@href")[0].startswith(f"{article.get_absolute_url()}#correction-")
    second = lxml_html.fromstring(client.get("/corrections/?page=2").content)
    assert [i.xpath("string(span)") for i in second.xpath('//ol[@class="corrections-list"]/li')] == ["Fix 20", "Fix 21"]
    assert "SECRET" not in client.get("/corrections/").content.decode()
    assert "SECRET" not in client.get("/corrections/?page=2").content.decode()
    assert client.get("/corrections/?page=3").status_code == 404


def test_linked_from_the_footer_and_from_each_correction(client):
    article = ArticleFactory()
    correction = CorrectionFactory(article=article, kind="clarification")
    doc = lxml_html.fromstring(client.get(article.get_absolute_url()).content)
    assert doc.xpath('//footer//a[@href="/corrections/"]')
    assert doc.xpath(f'//li[@id="correction-{correction.pk}"]//a[@href="/corrections/"]')
    listing = lxml_html.fromstring(client.get("/corrections/").content)
    assert listing.xpath("//li/strong/text()") == ["Clarification"]


def test_empty_corrections_page(client):
    response = client.get("/corrections/")
    assert response.status_code == 200
    assert "No corrections yet." in response.content.decode()
