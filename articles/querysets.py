"""Editorial rules, each stated once. Views, feeds, sitemaps, search and admin reuse them."""

import functools

from django.apps import apps
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from .compiled import CompiledQuery, run_together

# Links from an article to a tag, source or author: (link model, its article field, its other field).
LINKS = {
    "tags": ("TaggedArticle", "content_object", "tag"),
    "sources": ("Citation", "article", "source"),
    "authors": ("Byline", "article", "author"),
}
# From this many links on, a tag, source or author is "dense" (see linked_to()).
DENSE_LINKS = 2000

# How many recently tagged articles the related-articles list weighs (see related_to()).
RELATED_CANDIDATES = 300


class ArticleQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        """Fixtures address articles by slug, so reloading one updates the article it made before."""
        return self.get(slug=slug)

    def published(self):
        """What readers may see: published, and the publication time has come.

        Checked at query time, so a scheduled article goes live on the second with no cron or worker.
        """
        return self.filter(status="published", published_at__lte=timezone.now())

    def scheduled(self):
        """Published by an editor, waiting for its publication time."""
        return self.filter(status="published", published_at__gt=timezone.now())

    def released(self):
        """Published by an editor, public now or scheduled: its text is on the record (not unpublished())."""
        return self.filter(status="published")

    def unpublished(self):
        """Drafts and articles in review: every status but "published".

        Written as ``status IN (...)`` rather than ``NOT status = 'published'`` so that the status index serves it.
        """
        return self.filter(status__in=unpublished_statuses(self.model))

    def on_desk_of(self, user):
        """The articles ``user`` works on: all of them for editors, their own for everyone else."""
        from .permissions import may_publish  # permissions imports the models, which import this module

        if may_publish(user):
            return self
        return self.filter(created_by=user.pk) if user.is_authenticated else self.none()

    def visible_to(self, user):
        """Readers see published(); staff also see the unpublished articles on their desk (under a banner)."""
        if sees_unpublished(user):
            return self.published() | self.on_desk_of(user)
        return self.published()

    def for_listing(self):
        """Everything an article card shows (section, picture, bylines), in two queries: no body, no tags.

        A feed, which shows both, adds them: ``for_feed()``.
        """
        return (
            self.select_related("section", "featured_image")
            .defer("body")
            .prefetch_related(self._joined("bylines", "author"))
        )

    def for_feed(self):
        """Everything a feed item shows: a card's, the body, the tags (categories) and the corrections."""
        return self.for_listing().defer(None).prefetch_related("tags", "corrections")

    def for_detail(self):
        """Everything the article page shows, fetched in a fixed number of queries.

        Readers' pages read the same with compiled queries (article_for_page(), which must follow any change here).
        """
        return (
            self.for_listing()
            .defer(None)
            .prefetch_related("tags", self._joined("citations", "source"), "notes", "corrections")
        )

    def _joined(self, relation, foreign_key):
        """Prefetch ``relation`` with its ``foreign_key`` joined in: one query where "relation__fk" takes two."""
        model = self.model._meta.get_field(relation).related_model
        return Prefetch(relation, queryset=model.objects.select_related(foreign_key))

    def related_to(self, article, candidates=RELATED_CANDIDATES):
        """Articles sharing tags with ``article``, those sharing most first, among the newest that share any.

        Only the ``candidates`` newest articles (by id) carrying any of its tags are weighed, found by one
        bounded subquery on the (tag, article) index, so the cost does not grow with the archive: a tag on half
        of 100,000 articles costs what a tag on 500 does. ``article``'s tags should be prefetched.
        """
        from .models import TaggedArticle  # the models import this module

        tag_ids = [tag.pk for tag in article.tags.all()]
        if not tag_ids:
            return self.none()
        recent = (
            TaggedArticle.objects.filter(tag_id__in=tag_ids)
            .exclude(content_object_id=article.pk)
            .order_by("-content_object_id")
            .values("content_object_id")[:candidates]
        )
        return (
            self.filter(pk__in=recent)
            .annotate(shared_tags=Count("tagged_items", filter=Q(tagged_items__tag_id__in=tag_ids)))
            .order_by("-shared_tags", "-published_at", "-pk")
        )

    def linked_to(self, relation, obj, dense=DENSE_LINKS):
        """Articles whose ``relation`` ("section", "tags", "sources" or "authors") includes ``obj``.

        Shaped so that a page of them costs the same whatever the archive's size. For a tag, source or author
        with fewer than ``dense`` links, the database reads its links and sorts those; for a denser one it walks
        the articles newest first (the public index) and checks each for a link, stopping after one page:
        with 1 article in 50 linked, about 1,000 index entries for 20 articles. One bounded count decides;
        ``dense=0`` always reads the links (what a bounded count of the articles wants).
        """
        if relation not in LINKS:
            return self.filter(**{relation: obj})
        model_name, article_field, other_field = LINKS[relation]
        links = apps.get_model("articles", model_name).objects.filter(**{other_field: obj})
        if not dense or not self._is_dense(relation, obj, links, dense):
            return self.filter(pk__in=links.values(article_field))
        return self.filter(Exists(links.filter(**{article_field: OuterRef("pk")})))

    @staticmethod
    def _is_dense(relation, obj, links, dense):
        """Whether ``obj`` has ``dense`` links or more: counted once per content generation, not per request."""
        from .cache import per_generation  # the cache module imports the models, which import this module

        return per_generation(f"dense:{relation}:{dense}:{obj.pk}", lambda: links[:dense].count() >= dense)

    def with_last_correction(self):
        """Each article's latest correction time as ``last_correction_at`` (None without one), for seo.updated_at.

        One subquery per row instead of a prefetch of every correction: a sitemap page lists thousands.
        """
        from .models import Correction  # the models import this module

        latest = Correction.objects.filter(article=models.OuterRef("pk")).order_by("-published_at")
        return self.annotate(last_correction_at=models.Subquery(latest.values("published_at")[:1]))

    def published_since(self, when):
        """Articles whose publication time is ``when`` or later (e.g. the news sitemap's last two days)."""
        return self.filter(published_at__gte=when)


def unpublished_statuses(model):
    """The statuses of ``model`` (Article) that ArticleQuerySet.unpublished() selects: every one but "published"."""
    return [status for status in model.Status.values if status != "published"]


def sees_unpublished(user):
    """Whether ``user`` may see unpublished articles (those on their desk) on the public pages."""
    return user.is_authenticated and user.is_staff and user.has_perm("articles.view_article")


# Placeholder of the article page's compiled queries (articles.compiled): a value no slug has.
_SLUG_MARK = "\x00compiled-article-slug"

_DETAIL_RELATIONS = ("bylines", "tags", "citations", "notes", "corrections")


@functools.cache
def _detail_queries():
    """The article page's queries for readers, by relation name: the article by slug, then what for_detail()
    prefetches, each finding the article by the same slug (a subquery), so that all six run together; tags as
    their links (with the tag joined), which name their article as the other rows do. Each compiled on first
    use (once per process)."""
    from .models import Article, BackgroundNote, Byline, Citation, Correction, TaggedArticle

    def article_id(slug):
        return Subquery(Article.objects.filter(slug=slug).order_by().values("pk"))

    def children(model, *related, article_field="article_id", order_by=None):
        # (select_related() with no field would join every foreign key: the article and its section too.)
        def build(slug):
            rows = model.objects.filter(**{article_field: article_id(slug)})
            rows = rows.order_by(*order_by) if order_by else rows
            return rows.select_related(*related) if related else rows

        return build

    return {
        "self": CompiledQuery(
            lambda slug: Article.objects.select_related("section", "featured_image").filter(slug=slug).order_by(),
            _SLUG_MARK,
        ),
        "bylines": CompiledQuery(children(Byline, "author"), _SLUG_MARK),
        # In the order of the article's own tag manager (its links' order), as taggit reads them.
        "tags": CompiledQuery(
            children(TaggedArticle, "tag", article_field="content_object_id", order_by=["pk"]), _SLUG_MARK
        ),
        "citations": CompiledQuery(children(Citation, "source"), _SLUG_MARK),
        "notes": CompiledQuery(children(BackgroundNote), _SLUG_MARK),
        "corrections": CompiledQuery(children(Correction), _SLUG_MARK),
    }


def article_for_page(slug, user):
    """The article at ``slug`` that ``user`` may see, with everything its page shows (for_detail()), or None.

    The same article, relations and order as ``Article.objects.visible_to(user).for_detail()`` gives. For readers
    (to whom visible_to() is published()), six queries compiled once per process and run together, on
    PostgreSQL in one round trip and one snapshot (articles.compiled.run_together): the article with its section
    and picture, kept only if Article.is_public (published()'s rule for an article in hand), and its bylines
    with their authors, tags, citations with their sources, notes and corrections. Where the statements may
    each see another moment (SQLite, a transaction), a row of another article (a slug moved between two
    statements) sends the page to the ORM's query by the article's id: another article's rows, a draft's
    perhaps, are never shown. Staff, who may also see drafts, get the ORM's visible_to().for_detail().
    """
    from .models import Article  # the models import this module

    if sees_unpublished(user):
        return Article.objects.visible_to(user).for_detail().filter(slug=slug).first()
    queries = _detail_queries()
    calls = [(queries[name], (slug,)) for name in ("self", *_DETAIL_RELATIONS)]
    found, *relations = run_together(*calls, snapshot=True)
    if not found or not found[0].is_public:
        return None
    article = found[0]
    owners = {
        row.content_object_id if name == "tags" else row.article_id
        for name, rows in zip(_DETAIL_RELATIONS, relations, strict=True)
        for row in rows
    }
    if owners - {article.pk}:  # the slug moved between statements (not in one snapshot): read by id
        return Article.objects.published().for_detail().filter(pk=article.pk).first()
    article._prefetched_objects_cache = cache = {}
    for name, rows in zip(_DETAIL_RELATIONS, relations, strict=True):
        manager = getattr(article, name)
        if name == "tags":
            rows = [link.tag for link in rows]
            queryset = _tags_of(manager, article)
        else:
            field = manager.field  # the child's foreign key to the article: set, so child.article costs no query
            for row in rows:
                field.set_cached_value(row, article)
            queryset = manager.get_queryset()  # filtered to this article (lazily), as a prefetch leaves it
        queryset._result_cache = rows
        queryset._prefetch_done = True
        cache[name] = queryset
    return article


def _tags_of(manager, article):
    """What ``article.tags.get_queryset()`` is (taggit's ``tags_for()``, unordered), with its filter deferred
    until the queryset is chained, as Django's related managers defer theirs: building it costs 0.1-0.2 ms, and
    the page only lists the tags."""
    queryset = manager.through.tag_model()._default_manager.order_by()
    queryset._defer_next_filter = True
    return queryset.filter(**{f"{manager.through.tag_relname()}__content_object": article})


def known_to(objects, relation, user, count_name):
    """``objects`` (tags, sources or authors: a LINKS ``relation``) as ``user`` may know them in the desk.

    Each is annotated ``count_name``: how many articles ``user`` may see (``visible_to``) link it. One linked
    only from articles hidden from ``user`` is left out, since a tag or a cited source of another reporter's
    draft or of an embargoed story names its subject; one linked from none stays (editors make them ahead).
    Editors see every article, so they get every row and the plain count.
    """
    from .models import Article  # the models import this module
    from .permissions import may_publish

    model_name, article_field, other_field = LINKS[relation]
    link_model = apps.get_model("articles", model_name)
    links_name = link_model._meta.get_field(other_field).remote_field.related_name  # e.g. "citations"
    if may_publish(user):
        return objects.annotate(**{count_name: Count(links_name)})
    known = Article.objects.visible_to(user)
    links = link_model.objects.filter(**{other_field: OuterRef("pk")})
    seen = Q(**{f"{links_name}__{article_field}__in": known})
    return objects.filter(~Exists(links) | Exists(links.filter(**{f"{article_field}__in": known}))).annotate(
        **{count_name: Count(links_name, filter=seen)}
    )


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """Corrections and clarifications readers see: those of public articles, newest first."""
        from .models import Article  # the models import this module

        # EXISTS, not IN: the newest corrections are read first (correction_time_idx) and each checked, so a
        # page of them does not list every public article of the archive first.
        public = Article.objects.published().filter(pk=OuterRef("article_id"))
        return self.filter(Exists(public)).order_by("-published_at", "-pk")
