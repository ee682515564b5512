"""Keeping the index current: the one place that knows when an article's searchable text changes.

The index follows every save of an article (publish, unpublish, schedule, restore of a revision and
fixture loads are saves too), every change to what it shows (bylines, citations, tags, notes,
corrections), renames of sections, tags, authors, sources and aliases, merges and imports (through the
``articles.signals.articles_changed`` signal that ``articles.services`` sends after bulk writes) and
deletes. It is written in the same transaction as the change, so it is never behind; inside an
``articles.signals.batched_changes()`` block, once per article at the end of the block. A scheduled
article needs nothing at all: visibility is decided when searching.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles import cache
from articles.models import (
    Article,
    Author,
    BackgroundNote,
    Byline,
    Citation,
    Correction,
    Section,
    Source,
    SourceAlias,
    Tag,
    TaggedArticle,
)
from articles.signals import articles_changed, defer

from .engines import get_engine
from .models import SearchEntry
from .text import facet_token, tokens, visible_text

BATCH = 500


def _lines(*values):
    return "\n".join(value for value in values if value)


def entry_for(article):
    """The SearchEntry of ``article`` (with tags, bylines, citations, notes and corrections prefetched)."""
    sources = [name for citation in article.citations.all() for name in citation.source.names]
    return SearchEntry(
        article_id=article.pk,
        language=article.language,
        meta=_lines(
            article.dek,
            article.section.name,
            *(tag.name for tag in article.tags.all()),
            *(byline.author.name for byline in article.bylines.all()),
            *sources,
        ),
        body=visible_text(article.body),
        extra=_lines(*(note.text for note in article.notes.all()), *(c.text for c in article.corrections.all())),
        section_id=article.section_id,
        public_since=article.public_since,
    )


def facet_tokens(article):
    """The facet tokens of ``article`` (search.text.facet_token): its section, tags, cited sources and authors,
    and its status (for counting drafts in the index, search.results)."""
    facets = [("section", article.section.slug), ("status", article.status)]
    facets += [("tag", tag.slug) for tag in article.tags.all()]
    facets += [("source", citation.source.slug) for citation in article.citations.all()]
    facets += [("author", byline.author.slug) for byline in article.bylines.all()]
    return sorted({facet_token(kind, slug) for kind, slug in facets})


def _articles(ids):
    return (
        Article.objects.filter(pk__in=ids)
        .select_related("section")
        .prefetch_related("tags", "bylines__author", "citations__source__aliases", "notes", "corrections")
        .order_by()
    )


def index_articles(ids, using="default"):
    """(Re)index the articles ``ids``; ids of articles that no longer exist are removed. Returns how many."""
    ids = list(set(ids))
    if not ids:
        return 0
    engine = get_engine(using)
    with transaction.atomic(using=using):
        entries, rows = [], []
        for article in _articles(ids):
            entry = entry_for(article)
            entries.append(entry)
            body = tokens(entry.body) + tokens(entry.extra)
            rows.append((article.pk, tokens(article.headline), tokens(entry.meta), body, facet_tokens(article)))
        SearchEntry.objects.using(using).filter(article_id__in=ids).delete()
        engine.remove(ids)
        engine.store(entries, rows)
    return len(entries)


def rebuild(using="default", progress=None):
    """Index every article again, in batches; ``progress(n)`` is called after each batch of n articles."""
    engine = get_engine(using)
    with transaction.atomic(using=using):
        SearchEntry.objects.using(using).all().delete()
        engine.clear()
    ids = list(Article.objects.using(using).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        index_articles(batch, using=using)
        if progress:
            progress(len(batch))
    cache.bump()  # cached search pages were made from the old index
    return len(ids)


# --- signals --------------------------------------------------------------------------------------


def _deleting_articles(origin):
    """True while a delete that started at an article cascades to its rows: the article goes anyway."""
    return isinstance(origin, Article) or getattr(origin, "model", None) is Article


def _changed(article_ids, using):
    """Index now, or at the end of an open articles.signals.batched_changes() block."""
    pending = [pk for pk in article_ids if not defer(pk)]
    if pending:
        index_articles(pending, using=using)


@receiver(post_save, sender=Article, dispatch_uid="search_article_saved")
def _article_saved(sender, instance, using, **kwargs):
    _changed([instance.pk], using)


@receiver(post_delete, sender=Article, dispatch_uid="search_article_deleted")
def _article_deleted(sender, instance, using, **kwargs):
    get_engine(using).remove([instance.pk])


def _child_changed(sender, instance, using, origin=None, **kwargs):
    if _deleting_articles(origin):
        return
    article_id = instance.content_object_id if sender is TaggedArticle else instance.article_id
    _changed([article_id], using)


for _child in (Byline, Citation, BackgroundNote, Correction, TaggedArticle):
    post_save.connect(_child_changed, sender=_child, dispatch_uid=f"search_{_child.__name__}_saved")
    post_delete.connect(_child_changed, sender=_child, dispatch_uid=f"search_{_child.__name__}_deleted")

# A renamed section, tag, author or source changes the text of every article that shows it.
_ARTICLES_OF = {
    Section: lambda obj: Article.objects.filter(section=obj),
    Tag: lambda obj: Article.objects.filter(tagged_items__tag=obj),
    Author: lambda obj: Article.objects.filter(bylines__author=obj),
    Source: lambda obj: Article.objects.filter(citations__source=obj),
    SourceAlias: lambda obj: Article.objects.filter(citations__source_id=obj.source_id),
}


def _name_changed(sender, instance, using, created=False, **kwargs):
    if created and sender is not SourceAlias:
        return  # nothing refers to a new row yet (a new alias renames its source)
    # Fixture loads (raw saves) too: a fixture that renames a section or adds an alias changes articles it
    # does not hold; the articles it holds are indexed as they load.
    _changed(_ARTICLES_OF[sender](instance).using(using).values_list("pk", flat=True), using)


for _model in _ARTICLES_OF:
    post_save.connect(_name_changed, sender=_model, dispatch_uid=f"search_{_model.__name__}_renamed")
post_delete.connect(_name_changed, sender=SourceAlias, dispatch_uid="search_alias_deleted")


@receiver(articles_changed, dispatch_uid="search_articles_changed")
def _articles_changed(sender, article_ids, using="default", **kwargs):
    _changed(article_ids, using)
