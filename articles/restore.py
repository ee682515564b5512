"""Restoring an older version of an article: what it would change, said before anything is written.

A restore brings back the version's text and metadata, bylines, citations, tags and notes. The
publication state (status, publication time, address) stays as it is unless an editor explicitly
asks for it, and corrections are never touched: they are a public record. Rows the version refers to
that were merged since are replaced by the row they were merged into (a source's old name is an
alias of the one kept; a tag's merge revision names it and holds the tag kept); rows deleted since are
left out. services.restore_version writes what a RestorePlan says.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from reversion.models import Revision, Version

from images.models import Image

from .history import (
    CHILDREN,
    FIELDS,
    MERGE,
    PUBLICATION_FIELDS,
    RESTORED_CHILDREN,
    TARGETS,
    Snapshot,
    as_pk,
    changes,
    label,
    names_of,
    of_article,
    of_version,
)
from .models import Article, Section, Source, SourceAlias, Tag


@dataclass
class RestorePlan:
    """What restoring ``version`` over ``article`` would do; shown on the restore screen before anything is written.

    ``text_changes`` are the rows restored in any case; ``publication_changes`` are restored only when an
    editor explicitly asks; ``left_out`` names rows the version refers to that no longer exist.
    """

    article: Article
    version: Version
    snapshot: Snapshot
    text_changes: list
    publication_changes: list
    left_out: list
    resolved: dict  # (model, old pk) -> the pk to use now, e.g. a merged source's survivor

    def values(self, publication=False):
        """{attname: value} the article gets."""
        names = [n for n in FIELDS if publication or n not in PUBLICATION_FIELDS]
        values = {}
        for name in names:
            attname = Article._meta.get_field(name).attname
            if attname in self.snapshot.fields:
                values[attname] = self.snapshot.fields[attname]
        section = values.get("section_id")
        if section is not None and (Section, section) not in self.resolved:
            del values["section_id"]  # the section was deleted since: the article keeps its current one
        image = values.get("featured_image_id")
        if image is not None and not Image.objects.filter(pk=image).exists():
            del values["featured_image_id"]  # the picture was deleted from the library since: keep the current one
        return values

    def rows(self, accessor):
        """The child rows to recreate for ``accessor``, their foreign keys pointing at rows that exist now."""
        rows = []
        for row in self.snapshot.children[accessor]:
            row = {k: v for k, v in row.items() if k not in {"id", "_repr"}}
            for key, model in TARGETS.items():
                if key in row:
                    if (model, row[key]) not in self.resolved:
                        break
                    row[key] = self.resolved[(model, row[key])]
            else:
                rows.append(row)
        return rows


def restore_plan(article, version):
    """The RestorePlan of ``version`` (a version of ``article``) over ``article`` as saved now.

    Its changes are those the restore would really make: rows merged away already replaced, rows gone
    left out, corrections as they are now.
    """
    old, now = of_version(version), of_article(article)
    resolved, left_out = resolve(old)
    plan = RestorePlan(article, version, old, [], [], left_out, resolved)
    children = {
        accessor: plan.rows(accessor) if accessor in RESTORED_CHILDREN else now.children[accessor]
        for accessor, *_ in CHILDREN
    }
    publication_labels = {label(n) for n in PUBLICATION_FIELDS}
    for publication in (False, True):
        result = Snapshot({**now.fields, **plan.values(publication)}, children)
        result.names = names_of(result, old.names)
        for key, lines in changes(now, result):
            if (key in publication_labels) == publication:
                (plan.publication_changes if publication else plan.text_changes).append((key, lines))
    if now.lines()["Corrections"] != old.lines()["Corrections"]:
        left_out.append("Corrections stay as they are now: they are a public record.")
    return plan


def resolve(snapshot):
    """Map each row ``snapshot`` points to onto a row that exists now; list those that cannot be."""
    resolved, left_out = {}, []
    wanted = {(model, row[key]) for key, model in TARGETS.items() for row in _all_rows(snapshot) if row.get(key)}
    existing = {
        model: set(model.objects.filter(pk__in=[pk for m, pk in wanted if m is model]).values_list("pk", flat=True))
        for model in TARGETS.values()
    }
    for model, pk in sorted(wanted, key=lambda item: (item[0].__name__, str(item[1]))):
        if pk in existing.get(model, ()):
            resolved[(model, pk)] = pk
            continue
        name = snapshot.names.get((model, pk))
        survivor = _survivor(model, name, pk)
        noun = model._meta.verbose_name
        if survivor is not None:
            resolved[(model, pk)] = survivor.pk
            left_out.append(f"The {noun} “{name}” was merged into “{survivor}”: the restored article uses that.")
        elif model is Section:
            left_out.append(f"The section “{name or pk}” no longer exists: the article keeps its current section.")
        else:
            left_out.append(f"The {noun} “{name or pk}” was merged or deleted since: it is left out.")
    return resolved, left_out


def _all_rows(snapshot):
    yield snapshot.fields
    for accessor in RESTORED_CHILDREN:
        yield from snapshot.children[accessor]


def _survivor(model, name, pk=None):
    """The row that took over from the one ``pk`` called ``name``, or None.

    A source merged away left its name as an alias of the one kept; a tag merged away is named by its
    merge's revision, which holds the tag kept (followed through later merges).
    """
    if not name:
        return None
    if model is Tag and (survivor := _merged_tag_survivor(name)):
        return survivor
    if model is Source:
        alias = SourceAlias.objects.filter(name__iexact=name).select_related("source").first()
        return alias.source if alias else Source.objects.filter(name__iexact=name).first()
    if model in (Tag, Section):
        return model.objects.filter(name__iexact=name).first()
    return None  # authors' names are not unique: a deleted author is left out


def _merged_tag_survivor(name, depth=10):
    """The tag that the tag called ``name`` was merged into (following later merges), or None.

    services.merge_tags writes one revision per merge whose comment names the merged tags and which holds
    the kept tag.
    """
    tag_type = ContentType.objects.get_for_model(Tag)
    for _ in range(depth):
        merges = Revision.objects.filter(comment__startswith=f"{MERGE}: tag ", comment__contains=f"“{name}”")
        merge = next((r for r in merges.order_by("-pk") if f"“{name}”" in r.comment.split(" into ")[0]), None)
        if merge is None:
            return None
        kept_name = merge.comment.rsplit(" into “", 1)[-1].removesuffix("”")
        tags = Version.objects.filter(revision=merge, content_type=tag_type).order_by("pk")
        kept = next((v for v in tags if v.field_dict.get("name") == kept_name), None)
        if kept is None:
            return None
        survivor = Tag.objects.filter(pk=as_pk(kept.object_id)).first()
        if survivor is not None:
            return survivor
        name = kept.field_dict.get("name")  # the kept tag was merged away later too
    return None
