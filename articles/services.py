"""Writes that span several models: importing, publishing, correcting, merging.

Reads belong in articles/querysets.py. Each function here is one transaction.
"""

from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Length
from django.utils import timezone

from . import permissions, textformat
from .models import (
    Article,
    BackgroundNote,
    Citation,
    Correction,
    Section,
    SlugHistory,
    Source,
    SourceAlias,
    Tag,
    TaggedArticle,
    validate_language,
)
from .text import control_characters, name_key, nfc, paragraphs_to_html, unique_slug

IMPORT_MAX_FILE_BYTES = 5_000_000  # far above any article; stops a wrong path from filling memory


class ImportRejected(Exception):
    """Some files cannot be imported, so none was. ``problems`` has one line per bad file."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportedFile:
    path: str
    slug: str
    created: bool  # False: skipped, because an article with the same headline exists as ``slug``


@dataclass
class ImportResult:
    files: list[ImportedFile] = field(default_factory=list)

    @property
    def created(self):
        return [f for f in self.files if f.created]

    @property
    def skipped(self):
        return [f for f in self.files if not f.created]


def import_articles(paths, *, publish=False, language=None, progress=None):
    """Create one article per plain-text file: all files or none.

    Every file is read and checked before anything is written, and ImportRejected lists every bad
    one. A file whose headline (ignoring case) an article already has is skipped, never merged: an
    editor may have worked on that article since. ``progress(i, total, imported_file)`` is called
    after each file.
    """
    language = language or settings.NEWSROOM_LANGUAGE
    validate_language(language)
    parsed = _read_article_files(paths)
    now = timezone.now()
    result = ImportResult()
    with transaction.atomic():
        existing = _slugs_by_headline(article.headline for _, article in parsed)
        sources = _sources_by_name()
        sections = {_name_key(section.name): section for section in Section.objects.all()}
        for index, (path, article) in enumerate(parsed, start=1):
            key = _name_key(article.headline)
            if key in existing:
                imported = ImportedFile(path, existing[key], created=False)
            else:
                section_key = _name_key(article.section)
                if section_key not in sections:
                    sections[section_key] = Section.objects.create(name=article.section)
                created = _create_article(
                    article,
                    sections[section_key],
                    sources,
                    published_at=now if publish else None,
                    language=language,
                    path=path,
                )
                existing[key] = created.slug
                imported = ImportedFile(path, created.slug, created=True)
            result.files.append(imported)
            if progress:
                progress(index, len(parsed), imported)
    return result


def _read_article_files(paths):
    parsed, problems = [], []
    for path in map(str, paths):
        try:
            parsed.append((path, _read_article_file(path)))
        except textformat.FormatError as error:
            problems.append(f"{path}: {error}")
        except OSError as error:
            problems.append(f"{path}: {(error.strerror or str(error)).lower()}")
    if problems:
        raise ImportRejected(problems)
    return parsed


def _read_article_file(path):
    with open(path, "rb") as file:
        data = file.read(IMPORT_MAX_FILE_BYTES + 1)
    if len(data) > IMPORT_MAX_FILE_BYTES:
        raise textformat.FormatError(f"file too large (over {IMPORT_MAX_FILE_BYTES:,} bytes)")
    return textformat.parse_bytes(data)


def _name_key(name):
    """Names that differ only in case (in any script) or Unicode normal form are the same name."""
    return name_key(name)


def _slugs_by_headline(headlines):
    """Existing articles with any of ``headlines``, ignoring case in every script.

    SQLite's case-insensitive matching knows only ASCII, so candidates of the same length are
    compared here instead.
    """
    lengths = {len(nfc(headline)) for headline in headlines}  # stored headlines are NFC
    candidates = (
        Article.objects.annotate(headline_length=Length("headline"))
        .filter(headline_length__in=lengths)
        .values_list("headline", "slug")
    )
    return {_name_key(headline): slug for headline, slug in candidates}


def _sources_by_name():
    """Every name a source is cited by, its own name winning over another source's alias."""
    sources = list(Source.objects.prefetch_related("aliases"))
    names = {source.name: source for source in sources}
    for source in sources:
        for alias in source.aliases.all():
            names.setdefault(alias.name, source)
    return names


def _create_article(parsed, section, sources, *, published_at, language, path):
    """The article with its notes and citations, as the first revision of its history."""
    with reversion.create_revision():
        reversion.set_comment(f"Imported from {Path(path).name}")
        article = Article.objects.create(
            headline=parsed.headline,
            dek=parsed.dek,
            body=paragraphs_to_html(parsed.paragraphs),
            section=section,
            language=language,
            status=Article.Status.PUBLISHED if published_at else Article.Status.DRAFT,
            published_at=published_at,
        )
        BackgroundNote.objects.bulk_create(
            BackgroundNote(article=article, text=text, order=order) for order, text in enumerate(parsed.notes)
        )
        cited = dict.fromkeys(sources[name] for name in textformat.find_mentions(parsed.texts, sources))
        Citation.objects.bulk_create(
            Citation(
                article=article,
                source=source,
                role=Citation.Role.PRIMARY if order == 0 else Citation.Role.SECONDARY,
                order=order,
            )
            for order, source in enumerate(cited)
        )
        reversion.add_to_revision(article)  # again, now that its notes and citations exist
    return article


# --- The editors' desk: publishing, corrections, tag and source hygiene --------------------------
# Each change to an article goes through Article.save() inside a revision, so its version goes up
# (an open form on it becomes stale) and the history shows who did what.


def _editorial_change(articles, *, user, comment, change):
    """Apply ``change`` to each article, locked, saved and recorded as one revision; return how many."""
    if not permissions.may_publish(user):
        raise PermissionDenied("Only editors may publish, schedule or unpublish articles.")
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        locked = Article.objects.select_for_update().filter(pk__in=[a.pk for a in articles]).order_by("pk")
        for article in locked:
            change(article)
            article.full_clean(validate_unique=False)
            article.save()
        return len(locked)


def publish(articles, *, user):
    """Make articles public now; an article already public keeps its original time."""
    now = timezone.now()

    def change(article):
        if not article.is_public:
            article.published_at = now
        article.status = article.Status.PUBLISHED

    return _editorial_change(articles, user=user, comment="Published", change=change)


def schedule(articles, when, *, user):
    """Publish articles at ``when``, a future moment: they go live by themselves then."""
    if when is None or when <= timezone.now():
        raise ValidationError("Choose a publication time in the future.")

    def change(article):
        article.status, article.published_at = article.Status.PUBLISHED, when

    return _editorial_change(articles, user=user, comment=f"Scheduled for {when:%Y-%m-%d %H:%M %Z}", change=change)


def unpublish(articles, *, user):
    """Take articles off the site (or out of the schedule) and back to draft."""

    def change(article):
        article.status, article.published_at = article.Status.DRAFT, None

    return _editorial_change(articles, user=user, comment="Sent back to draft", change=change)


def add_tag(articles, name, *, user):
    tag = _tag_named(name)
    return _editorial_change(
        articles, user=user, comment=f"Tagged “{tag.name}”", change=lambda article: article.tags.add(tag)
    )


def remove_tag(articles, name, *, user):
    tag = Tag.named(name).first()
    if tag is None:
        raise ValidationError(f"There is no tag “{name.strip()}”.")
    return _editorial_change(
        articles, user=user, comment=f"Untagged “{tag.name}”", change=lambda article: article.tags.remove(tag)
    )


def _tag_named(name):
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Type the name of the tag.")
    _refuse_control_characters(name)
    return Tag.named(name).first() or Tag.objects.create(name=name)


def add_correction(article, text, *, user, kind="correction", when=None):
    """Append a correction or clarification; the article's updated time moves with it."""
    created = []

    def change(locked):
        correction = Correction(article=locked, kind=kind, text=text.strip(), published_at=when or timezone.now())
        correction.full_clean()
        correction.save()
        created.append(correction)

    _editorial_change([article], user=user, comment=f"Added a {kind}", change=change)
    return created[0]


def _touch_articles(article_ids):
    """Make open forms on these articles stale after a change made around them (tags, sources)."""
    Article.objects.filter(pk__in=article_ids).update(version=F("version") + 1)


def merge_tags(keep, others):
    """Move every article of ``others`` to ``keep`` and delete ``others``; return the articles moved."""
    others = [tag for tag in others if tag.pk != keep.pk]
    with transaction.atomic():
        moving = TaggedArticle.objects.filter(tag__in=others)
        article_ids = set(moving.values_list("content_object_id", flat=True))
        already = set(keep.tagged_articles.values_list("content_object_id", flat=True))
        moving.exclude(content_object_id__in=already).update(tag=keep)
        _redirect_merged("tag", others, keep)
        for tag in others:
            tag.delete()
        _touch_articles(article_ids)
        return len(article_ids)


def _redirect_merged(kind, merged, keep):
    """The addresses of ``merged`` rows, current and old, lead to ``keep`` from now on."""
    ids = [row.pk for row in merged]
    SlugHistory.objects.filter(kind=kind, object_id__in=ids).update(object_id=keep.pk)
    for row in merged:
        if row.slug != keep.slug:
            SlugHistory.record(kind, row.slug, keep.pk)


def rename_tag(tag, name):
    """Give a tag a new name (and slug); a name another tag has is refused: merge them instead."""
    name = " ".join(name.split())
    check_tag_name(tag, name)
    with transaction.atomic():
        tag.name = name
        tag.slug = unique_slug(tag, name, max_length=tag._meta.get_field("slug").max_length)
        tag.save()
    return tag


def check_tag_name(tag, name):
    """Tag names are unique whatever their case; a clash means the two tags should be merged."""
    if not name:
        raise ValidationError("A tag needs a name.")
    _refuse_control_characters(name)
    if Tag.named(name).exclude(pk=tag.pk).exists():
        raise ValidationError(f"Another tag is already called “{name}”. Merge the two tags instead.")


def _refuse_control_characters(name):
    found = control_characters(name, allowed="")
    if found:
        raise ValidationError(f"The tag name contains control characters ({', '.join(found)}); remove them.")


def merge_sources(keep, duplicate):
    """Fold ``duplicate`` into ``keep``: citations and aliases move over, its name becomes an alias."""
    if keep.pk == duplicate.pk:
        raise ValidationError("A source cannot be merged into itself.")
    with transaction.atomic():
        cited = Citation.objects.filter(source=duplicate)
        article_ids = set(cited.values_list("article_id", flat=True))
        # An article citing both keeps its citation of the kept source.
        cited.filter(article__citations__source=keep).delete()
        cited.update(source=keep)
        duplicate.aliases.update(source=keep)
        _redirect_merged("source", [duplicate], keep)
        name = duplicate.name
        duplicate.delete()
        if not SourceAlias.named(name).exists() and not Source.named(name).exists():
            SourceAlias.objects.create(source=keep, name=name)
        _touch_articles(article_ids)
        return len(article_ids)
