"""Writes that span several models: importing, publishing, correcting, merging.

Reads belong in articles/querysets.py. Each function here is one transaction.
"""

import functools
from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone

from . import history, permissions, restore, textformat
from .models import (
    Article,
    Author,
    BackgroundNote,
    Byline,
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
from .signals import articles_changed, batched_changes, defer
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


def import_articles(paths, *, publish=False, language=None, authors=(), tags=(), progress=None):
    """Create one article per plain-text file: all files or none.

    Every file is read and checked before anything is written, and ImportRejected lists every bad
    one. A file whose headline (ignoring case) an article already has is skipped, never merged: an
    editor may have worked on that article since. ``authors`` is a list of (name, Byline.Role value)
    given to every new article as its bylines, in that order (an Author is created for a new name);
    ``tags`` a list of tag names (created when new). ``progress(i, total, imported_file)`` is called
    after each file.
    """
    language = language or settings.NEWSROOM_LANGUAGE
    validate_language(language)
    parsed = _read_article_files(paths)
    now = timezone.now()
    result = ImportResult()
    # Notes and citations are bulk-created: the batch announces each article once, complete, at the end.
    with transaction.atomic(), batched_changes():
        bylines = [(author_named(name), role) for name, role in authors]
        tags = [_tag_named(name) for name in tags]
        existing = _slugs_by_headline(article.headline for _, article in parsed)
        sources = _sources_by_name()
        sections = {name_key(section.name): section for section in Section.objects.all()}
        for index, (path, article) in enumerate(parsed, start=1):
            key = name_key(article.headline)
            if key in existing:
                imported = ImportedFile(path, existing[key], created=False)
            else:
                section_key = name_key(article.section)
                if section_key not in sections:
                    sections[section_key] = Section.objects.create(name=article.section)
                created = _create_article(
                    article,
                    sections[section_key],
                    sources,
                    published_at=now if publish else None,
                    language=language,
                    path=path,
                    bylines=bylines,
                    tags=tags,
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


def find_by_name(queryset, name, field="name"):
    """The first row of ``queryset`` whose ``field`` is ``name`` ignoring case in any script, or None.

    ``iexact`` folds ASCII letters only on SQLite (so "україна" would miss "Україна"): rows of the
    same length are fetched and compared with str.casefold() (Unicode's full case folding) in NFC.
    """
    key = name_key(name)
    lengths = {len(nfc(name.strip())), len(clean_name(name)), *folded_lengths(key)}  # stored names are NFC
    candidates = queryset.annotate(name_length=Length(field)).filter(name_length__in=lengths).order_by("pk")
    return next((row for row in candidates if name_key(getattr(row, field)) == key), None)


# What full case folding writes for one character, when it writes more than one (ß -> ss, ﬃ -> ffi, İ -> i̇):
# a stored text holding that character is shorter than its key. From Python's own str.casefold() (Unicode's
# CaseFolding.txt), the first time it is needed.
@functools.cache
def _fold_expansions():
    return sorted({folded for c in map(chr, range(0x110000)) if len(folded := c.casefold()) > 1}, key=len, reverse=True)


def folded_lengths(key):
    """Every length a text may have whose name_key() is ``key``: ``len(key)``, less one or two for each place
    in ``key`` that full case folding may have written for a single character."""
    shorter = sum(key.count(expansion) * (len(expansion) - 1) for expansion in _fold_expansions())
    return set(range(len(key) - shorter, len(key) + 1))


def _slugs_by_headline(headlines):
    """Existing articles with any of ``headlines``, ignoring case in every script.

    SQLite's case-insensitive matching knows only ASCII, so candidates of the same length are
    compared here instead.
    """
    lengths = {n for headline in headlines for n in (len(nfc(headline)), *folded_lengths(name_key(headline)))}
    candidates = (
        Article.objects.annotate(headline_length=Length("headline"))
        .filter(headline_length__in=lengths)
        .values_list("headline", "slug")
    )
    return {name_key(headline): slug for headline, slug in candidates}


def _sources_by_name():
    """Every name a source is cited by, its own name winning over another source's alias."""
    sources = list(Source.objects.prefetch_related("aliases"))
    names = {source.name: source for source in sources}
    for source in sources:
        for alias in source.aliases.all():
            names.setdefault(alias.name, source)
    return names


def _create_article(parsed, section, sources, *, published_at, language, path, bylines=(), tags=()):
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
        Byline.objects.bulk_create(
            Byline(article=article, author=author, role=role, order=order)
            for order, (author, role) in enumerate(bylines)
        )
        if tags:  # taggit queries even for no tags
            article.tags.add(*tags)
        reversion.add_to_revision(article)  # again, now that its notes and citations exist
    defer(article.pk)  # its notes and citations came by bulk_create, which sends no signal
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


def _published_now(article, now):
    """(status, publication time) of ``article`` published now; one already public keeps its time."""
    return Article.Status.PUBLISHED, article.published_at if article.is_public else now


def _check_future(when):
    if when is None or when <= timezone.now():
        raise ValidationError("Choose a publication time in the future.")


def publish(articles, *, user):
    """Make articles public now; an article already public keeps its original time."""
    now = timezone.now()

    def change(article):
        article.status, article.published_at = _published_now(article, now)

    return _editorial_change(articles, user=user, comment="Published", change=change)


def schedule(articles, when, *, user):
    """Publish articles at ``when``, a future moment: they go live by themselves then."""
    _check_future(when)

    def change(article):
        article.status, article.published_at = article.Status.PUBLISHED, when

    return _editorial_change(articles, user=user, comment=f"Scheduled for {when:%Y-%m-%d %H:%M %Z}", change=change)


def unpublish(articles, *, user):
    """Take articles off the site (or out of the schedule) and back to draft."""

    def change(article):
        article.status, article.published_at = article.Status.DRAFT, None

    return _editorial_change(articles, user=user, comment="Sent back to draft", change=change)


def desk_transition(action, article, *, user, when=None):
    """(status, publication time) that a button of the change form gives ``article`` (as stored).

    ``action`` is a permissions.DeskAction; ``when`` the publication time typed in the form (used by
    "schedule", which needs a future time). Nothing is saved here: the form saves it with the rest
    of the edits, as one version. Raises PermissionDenied when ``user`` may not press that button
    (permissions.desk_actions) and ValidationError for a missing or past schedule time.
    """
    try:
        action = permissions.DeskAction(action)
    except ValueError:
        raise ValidationError(f"There is no button “{action}” on the desk.") from None
    if action not in permissions.desk_actions(user, article):
        raise PermissionDenied(f"You may not “{action.label.rstrip('…')}” this article.")
    match action:
        case permissions.DeskAction.SUBMIT:
            return Article.Status.REVIEW, article.published_at
        case permissions.DeskAction.PUBLISH:
            return _published_now(article, timezone.now())
        case permissions.DeskAction.SCHEDULE:
            _check_future(when)
            return Article.Status.PUBLISHED, when
    return Article.Status.DRAFT, None


def autosave(article, *, user, seen_version, headline, dek, body):
    """Save the text of an unpublished article typed on the desk, as a revision ("Autosaved").

    Never publishes: the status and publication time are left as they are. Returns the saved
    article (its new ``version`` is what the open form must send next). Raises PermissionDenied
    unless ``user`` may edit the article and it is a draft or in review, and ValidationError (code
    "stale") when someone saved it since ``seen_version``, or (per field) for a bad headline.
    """
    with transaction.atomic(), reversion.create_revision():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if not permissions.may_edit(user, locked) or locked.status not in permissions.UNPUBLISHED:
            raise PermissionDenied("Only an unpublished article you may edit is autosaved.")
        if seen_version != locked.version:
            raise ValidationError(
                f"Someone saved this article after you opened it (your version {seen_version}, now "
                f"version {locked.version}): not autosaved. Your text is still in the form.",
                code="stale",
            )
        locked.headline, locked.dek, locked.body = nfc(headline.strip()), nfc(dek), nfc(body)
        locked.full_clean(validate_unique=False)
        reversion.set_user(user)
        reversion.set_comment("Autosaved")
        locked.save()
        reversion.add_to_revision(locked)
    return locked


def author_for(user):
    """The Author linked to staff account ``user``, created (named after the account) when it has none."""
    name = clean_name(user.get_full_name() or user.get_username())
    author, _ = Author.objects.get_or_create(user=user, defaults={"name": name})
    return author


def author_named(name):
    """The Author called ``name`` (ignoring case in any script), created when there is none."""
    name = clean_name(name)
    if not name:
        raise ValidationError("An author needs a name.")
    return find_by_name(Author.objects.all(), name) or Author.objects.create(name=name)


def give_default_byline(article, user):
    """A new article with no byline gets its creator's ("By"), so nobody files anonymously by mistake."""
    if not article.bylines.exists():
        Byline.objects.create(article=article, author=author_for(user), role=Byline.Role.WRITTEN)


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


def clean_name(name):
    """A name as typed, in NFC with its runs of white space made one space."""
    return nfc(" ".join(str(name).split()))


def _tag_named(name):
    name = clean_name(name)
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


def _record_articles(article_ids):
    """Save each of these articles inside the current revision, after a change made around them.

    Their version goes up (an open form on one becomes stale) and the history holds their new state,
    so a stale-save message can name exactly what changed; whoever shows them (search) is told.
    """
    for article in Article.objects.select_for_update().filter(pk__in=article_ids).order_by("pk"):
        article.save()
    articles_changed.send(sender=Article, article_ids=sorted(article_ids))


def _require_editor(user, what):
    if not permissions.may_publish(user):
        raise PermissionDenied(f"Only editors may {what}.")


def merge_tags(keep, others, *, user):
    """Move every article of ``others`` to ``keep`` and delete ``others``; return the articles moved.

    Each article moved is saved in one revision by ``user``. PermissionDenied unless ``user`` is an editor.
    """
    _require_editor(user, "merge tags")
    others = [tag for tag in others if tag.pk != keep.pk]
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        names = ", ".join(f"“{tag.name}”" for tag in others)
        reversion.set_comment(f"{history.MERGE}: tag {names} into “{keep.name}”")
        moving = TaggedArticle.objects.filter(tag__in=others)
        article_ids = set(moving.values_list("content_object_id", flat=True))
        already = set(keep.tagged_articles.values_list("content_object_id", flat=True))
        moving.exclude(content_object_id__in=already).update(tag=keep)
        # The merge's revision holds the kept tag, and its comment names those merged into it: an old version
        # citing a merged tag is restored with the kept one (restore.resolve).
        reversion.add_to_revision(keep)
        _redirect_merged("tag", others, keep)
        for tag in others:
            tag.delete()
        _record_articles(article_ids)
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


def merge_sources(keep, duplicate, *, user):
    """Fold ``duplicate`` into ``keep``: citations and aliases move over, its name becomes an alias.

    Each article that cited ``duplicate`` is saved in one revision by ``user``. PermissionDenied unless
    ``user`` is an editor; ValidationError when both are the same source.
    """
    _require_editor(user, "merge sources")
    if keep.pk == duplicate.pk:
        raise ValidationError("A source cannot be merged into itself.")
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(f"{history.MERGE}: source “{duplicate.name}” into “{keep.name}”")
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
        _record_articles(article_ids)
        return len(article_ids)


# --- History: restore, recover, retract ---------------------------------------------------------
# A restore is an edit: one revision by its user, so the history stays complete and open forms go stale.


def restore_version(article, version, *, user, publication=False):
    """Bring back ``version``'s text, metadata, bylines, citations, tags and notes; return the article.

    The publication state (status, publication time, address) stays as it is unless ``publication``
    is True, which only editors may ask for; corrections are never touched (a public record). Rows the
    version refers to that were merged or deleted since are resolved or left out (see restore.restore_plan).
    PermissionDenied when ``user`` may not; ValidationError when ``version`` is another object's or the
    result would be invalid (e.g. its address is now another article's), in which case nothing changes.
    """
    if not permissions.may_restore(user, article, publication=publication):
        raise PermissionDenied("You may not restore this version.")
    if history.version_of(article, version.pk) is None:
        raise ValidationError("That version belongs to another article.")
    with transaction.atomic(), reversion.create_revision():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        plan = restore.restore_plan(locked, version)
        for attname, value in plan.values(publication).items():
            setattr(locked, attname, value)
        locked.full_clean(exclude=["version"])
        _replace_children(locked, plan)
        locked.save()
        reversion.add_to_revision(locked)  # with the child rows as restored
        reversion.set_user(user)
        what = "with its publication state" if publication else "keeping its publication state"
        reversion.set_comment(f"{history.RESTORE} the version of {history.describe(version)}, {what}")
    return locked


def _replace_children(article, plan):
    for accessor in history.RESTORED_CHILDREN:
        model = Article._meta.get_field(accessor).related_model
        fk = next(fk for name, _, fk, _ in history.CHILDREN if name == accessor)
        model.objects.filter(**{fk: article.pk}).delete()
        for row in plan.rows(accessor):
            model.objects.create(**{**row, fk: article.pk})


def recover_article(version, *, user):
    """Bring back a deleted article from ``version`` (one of its versions) as a draft; return it.

    Editors only (PermissionDenied). It gets its id, permanent identifier, text, bylines, citations, tags,
    notes and corrections back; its address too unless another article has it now (then a new one is made
    from the headline).
    """
    if not permissions.may_recover(user):
        raise PermissionDenied("Only editors may recover deleted articles.")
    if version.content_type.model_class() is not Article or Article.objects.filter(pk=version.object_id).exists():
        raise ValidationError("That is not a version of a deleted article.")
    with transaction.atomic(), reversion.create_revision():
        snapshot = history.of_version(version)
        # The same article again: its id and permanent identifier come back with it (feed readers know it by them).
        fields = {k: v for k, v in snapshot.fields.items() if k not in {"version", "created_at", "updated_at"}}
        fields.update(status=Article.Status.DRAFT, published_at=None)
        if Article.objects.filter(slug=fields.get("slug")).exists():
            fields["slug"] = ""
        if Article.objects.filter(uid=fields.get("uid")).exists():
            del fields["uid"]
        article = Article(**fields)
        plan = restore.RestorePlan(article, version, snapshot, [], [], [], restore.resolve(snapshot)[0])
        if (Section, fields.get("section_id")) not in plan.resolved:
            raise ValidationError("The article's section was deleted since: add the section again first.")
        article.save()
        _replace_children(article, plan)
        for row in snapshot.children["corrections"]:
            row = {k: v for k, v in row.items() if k not in {"id", "_repr", "article_id"}}
            Correction.objects.create(article=article, **row)
        article.save()
        reversion.add_to_revision(article)
        reversion.set_user(user)
        reversion.set_comment(f"{history.RECOVER} from the version of {history.describe(version)}, as a draft")
    return article


def retract_correction(correction, reason, *, user):
    """Withdraw a published correction or clarification, keeping it and a public note of why; return it.

    Editors only (PermissionDenied). ValidationError when the reason is empty or it is already retracted.
    """
    _require_editor(user, "retract corrections")
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("Say why the correction is withdrawn: readers see the reason.")
    retracted = []

    def change(article):
        locked = Correction.objects.select_for_update().get(pk=correction.pk, article=article)
        if locked.retracted_at:
            raise ValidationError("This correction was already retracted.")
        locked.retracted_at, locked.retraction_reason = timezone.now(), reason
        locked.save(update_fields=["retracted_at", "retraction_reason"])
        retracted.append(locked)

    comment = f"{history.RETRACTION} a {correction.kind}: {reason}"
    _editorial_change([correction.article], user=user, comment=comment, change=change)
    return retracted[0]
