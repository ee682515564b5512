"""Admin forms: the article form that refuses stale saves, and the inputs of the desk's actions."""

import datetime

from django import forms
from django.conf import settings
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from reversion.models import Version

from . import history, services
from .fields import DeskTextForm
from .models import Article

# The article's own fields on the desk; tags are edited in their inline, with autocomplete.
ARTICLE_FIELDS = [
    "headline", "slug", "dek", "body", "language", "status", "published_at", "section", "featured_image",
    "image_alt", "image_caption", "image_credit",
]  # fmt: skip


def local_time(value: datetime.datetime) -> datetime.datetime:
    """A wall-clock time in the site's time zone (NEWSROOM_TIME_ZONE) as an aware datetime.

    Raises ValidationError when the time does not exist there (the clocks go forward over it) or
    happens twice (the clocks go back over it), as Python's zoneinfo reports with ``fold`` (PEP 495).
    """
    zone = timezone.get_current_timezone()
    first, second = value.replace(tzinfo=zone, fold=0), value.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    shown = f"{value:%Y-%m-%d %H:%M}"
    if first.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != value.replace(tzinfo=None):
        message = (
            f"{shown} does not exist in the time zone {zone}: the clocks go forward over it (daylight saving "
            f"time). Choose a time outside that hour."
        )
    else:
        message = (
            f"{shown} happens twice in the time zone {zone}: the clocks go back over it (daylight saving "
            f"time). Choose a time outside that hour."
        )
    raise ValidationError(message, code="nonexistent_or_ambiguous_time")


def parse_local_time(text):
    """The time typed in a desk input (e.g. "2026-03-29T03:30"), aware, or None if it is not a time.

    Raises ValidationError (see local_time) for a time the site's time zone skips or repeats.
    """
    try:
        value = datetime.datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    if timezone.is_aware(value):
        return value
    return local_time(value)


class LocalSplitDateTimeField(forms.SplitDateTimeField):
    """The admin's date + time inputs, refusing a time that the site's time zone skips or repeats."""

    def compress(self, data_list):
        if data_list and all(data_list):
            return local_time(datetime.datetime.combine(*data_list))
        return super().compress(data_list)


class ArticleAdminForm(DeskTextForm, forms.ModelForm):
    """The article on the desk. A save based on an older version is refused and ``conflict`` then holds
    what the other person changed (see history.conflict); the next save takes, per field or child
    relation, the editor's input or, where they chose "theirs" (posted as ``resolve-<name>``), the saved one.
    """

    check_stale = True
    conflict = None
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = ARTICLE_FIELDS
        widgets = {
            "language": forms.Select(choices=settings.LANGUAGES),
            "dek": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.check_stale:
            self._refuse_stale_save()
        for name in self.theirs() & set(self.fields) - {"seen_version"}:
            # The saved value (the instance is the row as saved until this form's values are applied).
            cleaned[name] = getattr(self.instance, name)
        return cleaned

    def theirs(self):
        """Names of the fields and child relations (e.g. "tagged_items") where the editor took the saved version."""
        if not self.instance.pk:
            return set()
        return {
            key.removeprefix("resolve-")
            for key, value in self.data.items()
            if key.startswith("resolve-") and value == "theirs"
        }

    def _refuse_stale_save(self):
        # The row stays locked until the admin's transaction ends, so two saves of the same version
        # cannot both pass (SQLite takes its write lock at BEGIN IMMEDIATE, see settings).
        current = Article.objects.select_for_update().get(pk=self.instance.pk)
        seen = self.cleaned_data.get("seen_version")
        self.instance.version = current.version
        if seen == current.version:
            return
        # Their changes are listed now; a second save, after merging, is a deliberate overwrite.
        self.data = self.data.copy()
        self.data[self.add_prefix("seen_version")] = current.version
        self.conflict = history.conflict(current, seen, self.cleaned_data)
        message = stale_message(current, seen, self.cleaned_data, self.conflict)
        raise forms.ValidationError(message, code="stale")


def changes_since(article, seen_version, submitted):
    """(label, value now) for each field the other person changed, and whether that is certain.

    Certain when the history holds the version the form was opened on; otherwise the fields where the
    saved article now differs from the form are listed, which may include the editor's own changes.
    """
    before = _version_data(article, seen_version)
    changed = []
    for name in ARTICLE_FIELDS:
        field = Article._meta.get_field(name)
        now = field.value_from_object(article)
        if before is not None:
            differs = before.get(field.attname) != now
        else:
            differs = name in submitted and _comparable(submitted[name]) != _comparable(now)
        if differs:
            changed.append((capfirst(field.verbose_name), _display(article, field)))
    return changed, before is not None


def _comparable(value):
    return getattr(value, "pk", value) or None


def _version_data(article, number):
    for version in Version.objects.get_for_object(article).select_related("revision")[:50]:
        data = version.field_dict
        if data.get("version") == number:
            return data
    return None


def _display(article, field):
    if field.choices:
        return getattr(article, f"get_{field.name}_display")()
    value = getattr(article, field.name)
    if value is None or value == "":
        return "(empty)"
    if hasattr(value, "tzinfo"):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M %Z}"
    # The body as readable text, never raw HTML (the conflict table below shows it paragraph by paragraph).
    text = " / ".join(history.text_lines(value)) if field.name == "body" else str(value)
    return text if len(text) <= 300 else f"{text[:300]}…"


def stale_message(current, seen, submitted, conflict=None):
    latest = Version.objects.get_for_object(current).select_related("revision__user").first()
    who = ""
    if latest and latest.revision.user:
        who = f" ({latest.revision.user.get_username()})"
    lines = [
        f"Someone else{who} saved this article after you opened it (your version {seen}, now version "
        f"{current.version}). Nothing was saved: your edits are still in the form below."
    ]
    changes, certain = changes_since(current, seen, submitted)
    listed = "; ".join(f"{label}: “{value}”" for label, value in changes)
    children = [row["label"] for row in conflict or [] if row["key"] not in ARTICLE_FIELDS]
    if changes or children:
        intro = "They changed" if certain else "The saved article now differs from your form in"
        lines.append(f"{intro}: {'; '.join(filter(None, [listed, *children]))}.")
    else:
        lines.append("No field of this form differs (tags, bylines, citations or notes may).")
    lines.append(
        "Their changes are shown below next to yours: for each, keep yours, take theirs, or merge them by editing"
        " the field, then save again."
    )
    return " ".join(lines)


class ArticleActionForm(ActionForm):
    """Inputs of the article actions: the time for “Schedule”, the tag for the tag actions."""

    # Text here, read as a time by the action: a bad value then gets the action's own clear error.
    when = forms.CharField(
        label="Time",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="For “Schedule”.",
    )
    tag = forms.CharField(label="Tag", required=False, max_length=100, help_text="For the tag actions.")


class MergeActionForm(ActionForm):
    """The target of a merge: the selected rows are folded into the one named here."""

    into = forms.CharField(label="Into", required=False, max_length=200, help_text="Name of the one to keep.")


class TagAdminForm(DeskTextForm, forms.ModelForm):
    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        services.check_tag_name(self.instance, name)
        return name
