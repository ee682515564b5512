"""An article's history as editors read it: readable snapshots of versions, diffs, labels and restore plans.

A *snapshot* is an article at one moment (a django-reversion ``Version`` or the row as saved now) as
``{label: [line, ...]}``: its own fields and its child rows (bylines, citations, tags, notes,
corrections), every value as plain text. HTML (the body) becomes one line per paragraph, never raw
markup. ``diff()`` compares two lists of lines with ``difflib`` (Python's standard library) and marks
words taken out with ``<del>`` and put in with ``<ins>``; the compare view, the restore screen and the
stale-save conflict all use it. Restoring is planned in ``articles.restore``; the desk's views on top
of both are in ``articles.history_admin``.

Rows a version refers to may have been merged or deleted since (a tag merged into another, a duplicate
source folded into the one kept). A snapshot then names them from the version itself: the tag, source,
author or section stored in the same revision.
"""

import datetime
import html
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from reversion.models import Version

from .models import (
    Article,
    Author,
    BackgroundNote,
    Byline,
    Citation,
    Correction,
    Section,
    Source,
    Tag,
    TaggedArticle,
)

# The comment each kind of change starts with (services.py writes them), and how the history names it.
IMPORT, PUBLISH, SCHEDULE, UNPUBLISH = "Imported", "Published", "Scheduled", "Sent back to draft"
TAG, UNTAG, MERGE, RESTORE, RECOVER = "Tagged", "Untagged", "Merged", "Restored", "Recovered"
CORRECTION, RETRACTION = "Added a correction", "Retracted"
KINDS = [
    (IMPORT, "import"),
    (PUBLISH, "publish (action)"),
    (SCHEDULE, "schedule (action)"),
    (UNPUBLISH, "unpublish (action)"),
    (TAG, "tag (bulk action)"),
    (UNTAG, "untag (bulk action)"),
    (MERGE, "merge"),
    (RESTORE, "restore"),
    (RECOVER, "recover"),
    (CORRECTION, "correction"),
    ("Added a clarification", "correction"),
    (RETRACTION, "retraction"),
]

# The article's own fields an editor reads in its history, in the desk's order.
FIELDS = [
    "headline", "slug", "dek", "body", "language", "status", "published_at", "section", "featured_image",
]  # fmt: skip
# Publication state: a restore keeps it as it is now unless an editor explicitly chooses otherwise.
PUBLICATION_FIELDS = ["status", "published_at", "slug"]
# Child rows: (accessor on Article, model, the row's foreign key to the article, label).
CHILDREN = [
    ("bylines", Byline, "article_id", "Bylines"),
    ("citations", Citation, "article_id", "Citations"),
    ("tagged_items", TaggedArticle, "content_object_id", "Tags"),
    ("notes", BackgroundNote, "article_id", "Background notes"),
    ("corrections", Correction, "article_id", "Corrections"),
]
# Restored with the text; corrections are a public record a restore never touches.
RESTORED_CHILDREN = ["bylines", "citations", "tagged_items", "notes"]
# The rows child rows point to, by foreign key name.
TARGETS = {"author_id": Author, "source_id": Source, "tag_id": Tag, "section_id": Section}


def label(name):
    """The desk's label of an article field or child relation, e.g. "Publication time", "Tags"."""
    for accessor, _, _, text in CHILDREN:
        if accessor == name:
            return text
    return capfirst(Article._meta.get_field(name).verbose_name)


# --- Text: HTML to readable lines, and a marked diff of two lists of lines ------------------------

_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|pre|figure|figcaption|ul|ol)\s*>|<br\s*/?>|<hr\s*/?>", re.I)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.I)


def text_lines(value):
    """Plain-text lines of ``value`` (text or HTML): one per paragraph, list item or line; blank ones dropped."""
    if value is None:
        return []
    text = _LIST_ITEM.sub("\n• ", _BLOCK_END.sub("\n", str(value)))
    text = html.unescape(strip_tags(text))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def plain_lines(value):
    """The non-blank lines of plain text (markup in it is text, shown as typed)."""
    return [" ".join(line.split()) for line in str(value or "").splitlines() if line.strip()]


def diff(old, new):
    """Lines of HTML (each escaped and safe) showing how the list of lines ``old`` became ``new``.

    Lines taken out are wrapped in ``<del>``, lines put in in ``<ins>``; a line changed in place shows
    only the words that changed. Unchanged lines are kept, so the reader sees the context.
    """
    lines = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            lines += [escape(line) for line in old[i1:i2]]
        elif op == "replace" and i2 - i1 == j2 - j1:
            lines += [_word_diff(a, b) for a, b in zip(old[i1:i2], new[j1:j2], strict=True)]
        else:
            lines += [f"<del>{escape(line)}</del>" for line in old[i1:i2]]
            lines += [f"<ins>{escape(line)}</ins>" for line in new[j1:j2]]
    return [mark_safe(line) for line in lines]  # noqa: S308 - every piece of text above is escaped


def _word_diff(old, new):
    a, b = old.split(" "), new.split(" ")
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return " ".join(parts)


# --- Snapshots ------------------------------------------------------------------------------------


@dataclass
class Snapshot:
    """An article at one moment: ``fields`` (the article's own, by name, as stored: attnames) and
    ``children`` (accessor -> list of row dicts), with the names of the rows they point to."""

    fields: dict
    children: dict
    names: dict = field(default_factory=dict)  # (model, pk) -> name, for rows that may be gone

    def lines(self):
        """{label: [line, ...]} for every article field and child relation."""
        shown = {label(name): _field_lines(self, name) for name in FIELDS}
        for accessor, _, _, text in CHILDREN:
            shown[text] = [_child_line(self, accessor, row) for row in _ordered(accessor, self.children[accessor])]
        return shown

    def name_of(self, model, pk):
        return self.names.get((model, pk)) or f"(deleted {model._meta.verbose_name} #{pk})"


def of_article(article):
    """The snapshot of ``article`` as saved now (a fixed number of queries)."""
    data = {f.attname: f.value_from_object(article) for f in Article._meta.concrete_fields}
    children = {
        accessor: [_row_dict(row) for row in model.objects.filter(**{fk: article.pk}).order_by("pk")]
        for accessor, model, fk, _ in CHILDREN
    }
    snapshot = Snapshot(data, children)
    snapshot.names = names_of(snapshot, {})
    return snapshot


def of_version(version):
    """The snapshot of the article stored in ``version`` with the child rows of the same revision."""
    data = version.field_dict
    children = {accessor: [] for accessor, *_ in CHILDREN}
    followed = {}
    models = {ContentType.objects.get_for_model(m).pk: (accessor, m, fk) for accessor, m, fk, _ in CHILDREN}
    target_types = {ContentType.objects.get_for_model(m).pk: m for m in TARGETS.values()}
    for child in Version.objects.filter(revision_id=version.revision_id).exclude(pk=version.pk):
        if child.content_type_id in models:
            accessor, model, fk = models[child.content_type_id]
            row = child.field_dict
            if row.get(fk) == data["id"]:
                row["_repr"] = child.object_repr
                children[accessor].append(row)
        elif child.content_type_id in target_types:
            model = target_types[child.content_type_id]
            followed[(model, as_pk(child.object_id))] = child.field_dict.get("name")
    snapshot = Snapshot(data, children)
    snapshot.names = names_of(snapshot, followed)
    return snapshot


def as_pk(value):
    """A version's object id (always text) as the primary key it names."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _row_dict(row):
    return {f.attname: f.value_from_object(row) for f in row._meta.concrete_fields}


def names_of(snapshot, followed):
    """Names of every author, source, tag and section the snapshot points to: now, or as the version stored them."""
    wanted = {}
    rows = [snapshot.fields, *(row for rows in snapshot.children.values() for row in rows)]
    for row in rows:
        for key, model in TARGETS.items():
            if row.get(key) is not None:
                wanted.setdefault(model, set()).add(row[key])
    names = dict(followed)
    for model, pks in wanted.items():
        names.update({(model, pk): name for pk, name in model.objects.filter(pk__in=pks).values_list("pk", "name")})
    return names


def _ordered(accessor, rows):
    if accessor == "tagged_items":
        return rows  # sorted by name when shown
    if accessor == "corrections":
        return sorted(rows, key=lambda r: (r.get("published_at") or timezone.now(), r.get("id") or 0))
    return sorted(rows, key=lambda r: (r.get("order") or 0, r.get("id") or 0))


def _field_lines(snapshot, name):
    model_field = Article._meta.get_field(name)
    value = snapshot.fields.get(model_field.attname)
    if name == "section":
        return [snapshot.name_of(Section, value)] if value else []
    if name == "language":
        return [f"{dict(settings.LANGUAGES).get(value, value)} ({value})"] if value else []
    if model_field.choices:
        return [str(dict(model_field.choices).get(value, value))]
    if isinstance(value, datetime.datetime):
        return [when(value)]
    if name == "featured_image":
        return [str(value)] if value else []
    return text_lines(value) if name == "body" else plain_lines(value)


def when(value):
    """A moment as the desk shows it, in the site's time zone, e.g. "2026-03-01 14:05 UTC"."""
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M %Z}" if value else "(none)"


def _child_line(snapshot, accessor, row):
    if accessor == "bylines":
        return f"{Byline.Role(row['role']).label if row['role'] in Byline.Role else row['role']} " + (
            snapshot.name_of(Author, row["author_id"])
        )
    if accessor == "citations":
        role = Citation.Role(row["role"]).label if row["role"] in Citation.Role else row["role"]
        line = f"{snapshot.name_of(Source, row['source_id'])} ({role.lower()})"
        return f"{line}: {row['url']}" if row.get("url") else line
    if accessor == "tagged_items":
        return snapshot.name_of(Tag, row["tag_id"])
    if accessor == "notes":
        return " ".join(plain_lines(row["text"]))
    kind = Correction.Kind(row["kind"]).label if row["kind"] in Correction.Kind else row["kind"]
    line = f"{kind}, {when(row['published_at'])}: {row['text']}"
    if row.get("retracted_at"):
        line += f" (retracted {when(row['retracted_at'])}: {row.get('retraction_reason', '')})"
    return line


# Shown when only the body's markup changed (bold, a link, a heading), which the readable text does not show.
FORMATTING_ONLY = "(Only the formatting changed: bold, italics, links, headings or lists.)"


def changes(older, newer):
    """[(label, [diff line, ...])] for each field or child relation that differs from ``older`` to ``newer``."""
    before, after = older.lines(), newer.lines()
    rows = []
    for key in after:
        old, new = before[key], after[key]
        if key == "Tags":
            old, new = sorted(old, key=str.casefold), sorted(new, key=str.casefold)
        if old != new:
            rows.append((key, diff(old, new)))
        elif key == label("body") and older.fields.get("body") != newer.fields.get("body"):
            rows.append((key, [*diff(old, new), FORMATTING_ONLY]))
    return rows


# --- Versions and what kind of change made them ---------------------------------------------------


def versions_of(article_or_id):
    """The article's versions, newest first, with who made them (a django-reversion Version queryset)."""
    pk = getattr(article_or_id, "pk", article_or_id)
    return (
        Version.objects.get_for_object_reference(Article, pk)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def version_of(article, version_id):
    """The version ``version_id`` of ``article``, or None when there is none or it is another object's."""
    try:
        return versions_of(article).filter(pk=int(version_id)).first()
    except (TypeError, ValueError):
        return None


def kind_of(comment):
    """The kind of change a revision comment records: "edit", "publish (action)", "merge", "restore", ..."""
    for prefix, kind in KINDS:
        if (comment or "").startswith(prefix):
            return kind
    return "edit"


def describe(version):
    """How the desk names a version: when, who, and what kind of change, e.g. "2026-03-01 14:05 UTC, anna, merge"."""
    user = version.revision.user
    who = user.get_username() if user else "import or system"
    return f"{when(version.revision.date_created)}, {who}, {kind_of(version.revision.get_comment())}"


# --- Conflicts: what others changed since a form was opened ----------------------------------------


def conflict(article, seen_version, submitted=None):
    """What others changed in ``article`` since the editor opened it at version number ``seen_version``.

    A list of ``{"key", "label", "theirs", "yours"}``, one per field or child relation they changed:
    ``key`` is the field name or child accessor (e.g. "headline", "tagged_items"), ``theirs`` the diff
    lines from the version opened to the article now, ``yours`` the diff lines from the version opened
    to ``submitted`` (the form's cleaned data; None for child rows, which the form below shows).
    None when the history does not hold the version opened (then nobody can tell whose changes are whose).
    """
    opened = next((v for v in versions_of(article)[:50] if v.field_dict.get("version") == seen_version), None)
    if opened is None:
        return None
    before, now = of_version(opened), of_article(article)
    old_lines, new_lines = before.lines(), now.lines()
    mine = _submitted_lines(before, submitted or {})
    keys = [*FIELDS, *(accessor for accessor, *_ in CHILDREN)]
    rows = []
    for key in keys:
        text = label(key)
        old, new = old_lines[text], new_lines[text]
        if key == "tagged_items":
            old, new = sorted(old, key=str.casefold), sorted(new, key=str.casefold)
        theirs = diff(old, new) if old != new else None
        if theirs is None and key == "body" and before.fields.get("body") != now.fields.get("body"):
            theirs = [*diff(old, new), FORMATTING_ONLY]
        if theirs is not None:
            yours = diff(old, mine[text]) if key in mine_keys(submitted) else None
            rows.append({"key": key, "label": text, "theirs": theirs, "yours": yours})
    return rows


def mine_keys(submitted):
    return [name for name in FIELDS if name in (submitted or {})]


def _submitted_lines(before, submitted):
    fields = dict(before.fields)
    for name in mine_keys(submitted):
        model_field = Article._meta.get_field(name)
        value = submitted[name]
        fields[model_field.attname] = getattr(value, "pk", value)
    mine = Snapshot(fields, before.children, dict(before.names))
    section = submitted.get("section")
    if section is not None:
        mine.names[(Section, section.pk)] = section.name
    return mine.lines()
