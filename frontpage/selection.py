"""Choosing what the front page shows. Every article comes through Article.objects.published().

Queries are fixed in number whatever the data: the live pins (1), the newest ids (1), the section blocks' ids
(1, a row per section), then one load of all those articles with what a card shows (3).
"""

from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from articles.models import Article, Section

from .models import Placement

FEATURED_COUNT = 4  # stories in the row under the lead
SECTION_COUNT = 3  # latest stories in each section's block


@dataclass
class FrontPage:
    lead: Article | None = None
    featured: list = field(default_factory=list)
    sections: list = field(default_factory=list)  # [(Section, [Article, ...])] in the sections' order

    @property
    def shown(self):
        """The pks of every article above the "latest" list, which leaves them out."""
        articles = [self.lead, *self.featured, *(a for _, block in self.sections for a in block)]
        return [a.pk for a in articles if a is not None]


def pinned():
    """(lead pk or None, [featured pks in order]) from the live placements."""
    lead, featured = None, []
    for article_id, slot in (
        Placement.objects.live().order_by("slot", "order", "-created_at").values_list("article_id", "slot")
    ):
        if slot == Placement.Slot.LEAD and lead is None:
            lead = article_id
        elif slot == Placement.Slot.FEATURED:
            featured.append(article_id)
    return lead, featured


def top_stories():
    """(lead pk, [featured pks]): the editors' choice first, the newest published stories in the empty slots."""
    lead, featured = pinned()
    featured = [pk for pk in featured if pk != lead][:FEATURED_COUNT]
    wanted = 1 + FEATURED_COUNT
    newest = Article.objects.published().values_list("pk", flat=True)[: wanted + len(featured) + 1]
    fill = (pk for pk in newest if pk != lead and pk not in featured)
    if lead is None:
        lead = next(fill, None)
    while len(featured) < FEATURED_COUNT:
        pk = next(fill, None)
        if pk is None:
            break
        featured.append(pk)
    return lead, featured


def section_block_ids(exclude):
    """The newest SECTION_COUNT published pks of every section, leaving out ``exclude``, in one query.

    One row per section with SECTION_COUNT subqueries (the 1st, 2nd, 3rd newest), each a few steps down the
    (section, status, published_at) index: the work grows with the sections, not with the archive (a window
    function over every public article took 220 ms at 100,000 on SQLite).
    """
    newest = (
        Article.objects.published()
        .filter(section=OuterRef("pk"))
        .exclude(pk__in=exclude)
        .order_by("-published_at", "-pk")
        .values("pk")
    )
    ranks = {f"n{i}": Subquery(newest[i : i + 1]) for i in range(SECTION_COUNT)}
    rows = Section.objects.order_by().annotate(**ranks).values_list(*ranks)
    return [pk for row in rows for pk in row if pk is not None]


def front_page():
    """The whole front page above the "latest" list: lead, featured row and one block per section."""
    lead, featured = top_stories()
    top = [pk for pk in (lead, *featured) if pk is not None]
    block_ids = section_block_ids(top)
    articles = Article.objects.published().filter(pk__in=[*top, *block_ids]).for_listing().in_bulk()
    page = FrontPage(lead=articles.get(lead), featured=[articles[pk] for pk in featured if pk in articles])
    by_section = {}
    for pk in block_ids:
        if pk in articles:
            by_section.setdefault(articles[pk].section, []).append(articles[pk])
    for section in sorted(by_section, key=lambda s: (s.order, s.name)):
        page.sections.append((section, sorted(by_section[section], key=_newest_first)))
    return page


def _newest_first(article):
    return (-article.published_at.timestamp(), -article.pk)


def section_lead(section):
    """The newest published story of ``section`` that has a picture, or None."""
    return Article.objects.published().filter(section=section, featured_image__isnull=False).for_listing().first()
