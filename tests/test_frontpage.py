"""The front page editors curate, section pages led by a picture, and the layout's promises to readers."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from lxml import html as lxml_html

from frontpage.models import Placement
from frontpage.selection import FEATURED_COUNT
from tests import desk
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


def front(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content)


def headlines(doc, css_path):
    return [" ".join(h.text_content().split()) for h in doc.xpath(css_path)]


LEAD = '//div[@class="front-lead"]//*[contains(@class, "card__headline")]'
FEATURED = '//ul[contains(@class, "cards--featured")]//*[contains(@class, "card__headline")]'
LATEST = '//section[@class="latest"]//*[contains(@class, "card__headline")]'


def test_without_a_choice_the_newest_stories_fill_the_slots(client):
    stories = [ArticleFactory(headline=f"Story {i}", published_at=ago(i + 1)) for i in range(8)]
    doc = front(client)
    assert headlines(doc, LEAD) == ["Story 0"]
    assert headlines(doc, FEATURED) == [s.headline for s in stories[1 : 1 + FEATURED_COUNT]]


def test_editors_pin_the_lead_and_order_the_featured_stories(client):
    newest = ArticleFactory(headline="Newest", published_at=ago(1))
    lead = ArticleFactory(headline="Pinned lead", published_at=ago(48))
    second = ArticleFactory(headline="Second pick", published_at=ago(30))
    first = ArticleFactory(headline="First pick", published_at=ago(40))
    Placement.objects.create(article=lead, slot=Placement.Slot.LEAD)
    Placement.objects.create(article=second, order=2)
    Placement.objects.create(article=first, order=1)
    doc = front(client)
    assert headlines(doc, LEAD) == ["Pinned lead"]
    assert headlines(doc, FEATURED)[:3] == ["First pick", "Second pick", newest.headline]
    # Nothing shown above appears again in the list under it.
    assert not {"Pinned lead", "First pick", "Second pick", "Newest"} & set(headlines(doc, LATEST))


@pytest.mark.parametrize("state", ["draft", "review", "scheduled"])
def test_a_pinned_story_that_is_not_public_never_shows(client, state):
    ArticleFactory(headline="Public story")
    hidden = ArticleFactory(headline="Not for readers", **{state: True})
    Placement.objects.create(article=hidden, slot=Placement.Slot.LEAD)
    Placement.objects.create(article=ArticleFactory(headline="Also hidden", draft=True), order=0)
    html = client.get("/").content.decode()
    assert "Not for readers" not in html and "Also hidden" not in html
    assert headlines(lxml_html.fromstring(html), LEAD) == ["Public story"]


def test_an_expired_pin_stops_showing(client):
    ArticleFactory(headline="Newest", published_at=ago(1))
    old = ArticleFactory(headline="Yesterday's lead", published_at=ago(30))
    pin = Placement.objects.create(article=old, slot=Placement.Slot.LEAD, expires_at=ago(0.5))
    assert headlines(front(client), LEAD) == ["Newest"]
    pin.expires_at = timezone.now() + datetime.timedelta(hours=1)
    pin.save()  # as the desk does: the cached front page is retired
    assert headlines(front(client), LEAD) == ["Yesterday's lead"]


def test_pins_show_and_go_at_once_on_the_cached_front_page(client):
    ArticleFactory(headline="Newest", published_at=ago(1))
    old = ArticleFactory(headline="Pinned later", published_at=ago(30))
    assert headlines(front(client), LEAD) == ["Newest"]  # now in the page cache
    pin = Placement.objects.create(article=old, slot=Placement.Slot.LEAD)
    assert headlines(front(client), LEAD) == ["Pinned later"]
    pin.delete()
    assert headlines(front(client), LEAD) == ["Newest"]


def test_the_cached_front_page_changes_when_a_pin_expires(client):
    ArticleFactory(headline="Newest", published_at=ago(1))
    old = ArticleFactory(headline="Pinned lead", published_at=ago(30))
    with time_machine.travel(timezone.now(), tick=False) as clock:
        Placement.objects.create(
            article=old, slot=Placement.Slot.LEAD, expires_at=timezone.now() + datetime.timedelta(minutes=5)
        )
        assert headlines(front(client), LEAD) == ["Pinned lead"]
        clock.shift(datetime.timedelta(minutes=6))  # no write at all: the expiry alone changes the page
        assert headlines(front(client), LEAD) == ["Newest"]


def top_stories(count=1 + FEATURED_COUNT):
    """The newest stories, in their own section: they fill the lead and the featured row."""
    section = SectionFactory(name="Top")
    return [ArticleFactory(headline=f"Top {i}", section=section, published_at=ago(i)) for i in range(count)]


def test_each_section_has_a_block_of_its_latest_stories(client):
    top_stories()
    for name in ("World", "Business"):
        section = SectionFactory(name=name)
        for i in range(5):
            ArticleFactory(headline=f"{name} {i}", section=section, published_at=ago(100 + i))
    doc = front(client)
    blocks = {
        b.xpath("string(.//h2)").strip(): headlines(b, './/*[contains(@class, "card__headline")]')
        for b in doc.xpath('//section[@class="section-block"]')
    }
    # The Top section's stories are all above, so it has no block; the others show their newest three.
    assert blocks == {
        "Business": ["Business 0", "Business 1", "Business 2"],
        "World": ["World 0", "World 1", "World 2"],
    }
    assert headlines(doc, LATEST) == ["Business 3", "World 3", "Business 4", "World 4"]


def test_the_home_page_query_count_does_not_grow_with_the_sections(client, django_assert_max_num_queries):
    def grow(sections):
        for _ in range(sections):
            ArticleFactory.create_batch(4, section=SectionFactory(), pictured=True, published_at=ago(50))

    top_stories()
    grow(3)
    with django_assert_max_num_queries(15) as captured:
        client.get("/")
    small = len(captured)
    grow(6)
    with django_assert_max_num_queries(small):
        assert len(front(client).xpath('//section[@class="section-block"]')) == 9


def test_a_section_page_leads_with_its_newest_pictured_story(client):
    section = SectionFactory(name="Culture")
    ArticleFactory(headline="Newest, no picture", section=section, published_at=ago(1))
    ArticleFactory(headline="Pictured", section=section, published_at=ago(5), pictured=True)
    ArticleFactory(headline="Older pictured", section=section, published_at=ago(9), pictured=True)
    ArticleFactory(headline="Scheduled pictured", section=section, scheduled=True, pictured=True)
    doc = front(client, section.get_absolute_url())
    assert headlines(doc, '//div[@class="section-lead"]//*[contains(@class, "card__headline")]') == ["Pictured"]
    listed = headlines(doc, '//ol[@class="cards"]//*[contains(@class, "card__headline")]')
    assert listed == ["Newest, no picture", "Older pictured"]


def test_what_lighthouse_would_check_on_the_pictures_and_the_page(client):
    """Lighthouse is not available offline; these are its image, font and viewport audits we can assert."""
    for i in range(12):
        ArticleFactory(published_at=ago(i + 1), pictured=True, section=SectionFactory(name=f"S{i % 3}"))
    response = client.get("/")
    doc = lxml_html.fromstring(response.content)
    images = doc.xpath("//img")
    assert len(images) > 5
    for img in images:  # sized (no layout shift), described, responsive
        assert img.get("width") and img.get("height") and img.get("alt") and img.get("srcset") and img.get("sizes")
    assert images[0].get("fetchpriority") == "high" and images[0].get("loading") is None
    assert all(img.get("loading") == "lazy" for img in images[1:])
    for source_set in doc.xpath("//picture"):
        assert [s.get("type") for s in source_set.xpath(".//source")] == ["image/avif", "image/webp"]
    assert doc.xpath('//meta[@name="viewport"]/@content') == ["width=device-width, initial-scale=1"]
    css = (Path(settings.BASE_DIR) / "static/css/site.css").read_text()
    assert "@font-face" not in css and "@import" not in css  # system fonts: nothing to download or block on
    # Wide screens get a grid (lead beside the featured stories, three section columns); phones one column.
    wide = css.split("@media (min-width: 64rem)")[1]
    assert re.search(r"\.front-top \{[^}]*display: grid;[^}]*grid-template-columns: minmax\(0, 2fr\)", wide)
    assert re.search(r"\.section-blocks \{[^}]*repeat\(3,", wide)


def test_the_browser_lays_out_below_the_fold_blocks_only_as_the_reader_scrolls_to_them(client):
    """Lighthouse (mobile, 4x CPU slowdown) counted ~100 ms of blocking style and layout on a home page of 50
    pictured stories (bench/lighthouse/): section blocks and latest-news cards skip rendering while off screen
    (content-visibility: auto), keeping a remembered height (contain-intrinsic-block-size) so the scrollbar and
    the layout do not jump."""
    world = SectionFactory(name="World")
    for i in range(12):
        ArticleFactory(published_at=ago(i + 1), pictured=True, section=world)
    doc = front(client)
    assert doc.xpath('//section[@class="section-block"]') and doc.xpath('//section[@class="latest"]//ol/li')
    css = (Path(settings.BASE_DIR) / "static/css/site.css").read_text()
    # Until drawn, a block is as tall as its placeholder: at least its real height (measured in Chromium, 360-1400
    # px wide), or its links would overlap the next block's and fail Lighthouse's tap-target audit.
    for selector, at_least in ((r"\.section-block", 50), (r"\.latest \.cards > li", 20.5)):
        rule = re.search(rf"\n{selector} \{{([^}}]*)\}}", css)
        assert rule and "content-visibility: auto;" in rule.group(1), selector
        height = re.search(r"contain-intrinsic-block-size: auto (\d+(?:\.\d+)?)rem;", rule.group(1))
        assert height and float(height.group(1)) >= at_least, selector
    # The story above the fold is never skipped: the lead and the featured stories render at once.
    assert "content-visibility" not in css.split(".front-top")[1].split("}")[0]


def test_only_editors_manage_the_front_page(client):
    article = ArticleFactory()
    client.force_login(desk.reporter())
    assert client.get(desk.admin_url(Placement, "changelist")).status_code == 403
    client.force_login(desk.editor())
    response = client.post(
        desk.admin_url(Placement, "add"), {"article": article.pk, "slot": "lead", "order": 0, "expires_at_0": ""}
    )
    assert response.status_code == 302
    assert Placement.objects.get().article == article
    listing = client.get(desk.admin_url(Placement, "changelist")).content.decode()
    assert article.headline in listing


def test_the_home_page_shares_the_lead_picture_as_its_card(client):
    from images.renditions import card_image

    lead = ArticleFactory(pictured=True)
    doc = front(client)
    assert doc.xpath('//meta[@property="og:image"]/@content') == [
        f"http://127.0.0.1:8000{card_image(lead.featured_image)}"
    ]
    assert doc.xpath('//meta[@name="twitter:card"]/@content') == ["summary_large_image"]
    assert str(lead.featured_image) == "A caption. (Jane Doe / Agency)"
