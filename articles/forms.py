"""Admin forms: the article form that refuses stale saves, and the inputs of the desk's actions."""

import datetime

from django import forms
from django.conf import settings
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from reversion.models import Version

from . import history, services
from .fields import DeskTextForm
from .models import Article, Tag, default_language
from .text import control_characters

# The article's own fields on the desk; tags are typed in their own field (ArticleAdminForm.Meta).
ARTICLE_FIELDS = [
    "headline", "slug", "dek", "body", "language", "status", "published_at", "section", "featured_image",
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


class UnlabelledHiddenInput(forms.HiddenInput):
    """A hidden input the admin's fieldset may print a label for: the label then points at nothing,
    since HTML allows a label's ``for`` to name only a visible control."""

    def id_for_label(self, id_):
        return None


TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length
TAGS_HELP = (
    "Comma-separated, e.g. “Ukraine, NATO summit”. A new name creates the tag; an existing one is "
    "reused whatever its letter case. Put a name that has a comma in double quotes."
)


def clean_tag_names(names):
    """The tag names typed (already split by taggit's parse_tags), ready to save.

    Each name is NFC with single spaces; a name an existing tag has in another letter case (any
    script) becomes that tag's name, so it is reused, not duplicated; repeats are dropped.
    Raises ValidationError naming a name that is too long or holds control characters.
    """
    cleaned, seen = [], set()
    for name in names:
        bad = control_characters(name, allowed="")
        if bad:
            raise ValidationError(f"A tag holds control characters ({', '.join(bad)}): remove them.")
    for name in map(services.clean_name, names):
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(f"The tag “{name[:40]}…” is longer than {TAG_MAX_LENGTH} characters.")
        existing = Tag.named(name).first()
        name = existing.name if existing else name
        if name.casefold() not in seen:
            seen.add(name.casefold())
            cleaned.append(name)
    return cleaned


class ArticleAdminForm(DeskTextForm, forms.ModelForm):
    """The article on the desk. A save based on an older version is refused and ``conflict`` then holds
    what the other person changed (see history.conflict); the next save takes, per field or child
    relation, the editor's input or, where they chose "theirs" (posted as ``resolve-<name>``), the saved one.
    """

    check_stale = True
    # Set by the admin for each request: the button pressed (a permissions.DeskAction) and who pressed it.
    desk_action = None
    desk_user = None
    conflict = None
    seen_version = forms.IntegerField(widget=UnlabelledHiddenInput, required=False)
    # A choice, not the model's free text: a <select> takes no maxlength, and the model's callable
    # default would add a hidden "initial-" input carrying the select's aria attributes.
    language = forms.ChoiceField(
        choices=settings.LANGUAGES,
        initial=default_language,
        help_text=Article._meta.get_field("language").help_text,
        error_messages={"invalid_choice": "“%(value)s” is not a known language code (e.g. en, uk, ar, zh-hans)."},
    )

    class Meta:
        model = Article
        fields = [*ARTICLE_FIELDS, "tags"]
        widgets = {
            "dek": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        }
        help_texts = {"tags": TAGS_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version
        if "tags" in self.fields:
            self.fields["tags"].widget.attrs.update({"class": "vTextField", "autocomplete": "off"})

    def clean_tags(self):
        return clean_tag_names(self.cleaned_data.get("tags") or [])

    def clean(self):
        cleaned = super().clean()
        if self.desk_action:
            self._apply_desk_action(cleaned)
        if self.instance.pk and self.check_stale:
            self._refuse_stale_save()
        theirs = self.theirs()
        for name in theirs & set(self.fields) - {"seen_version", "tags"}:
            # The saved value (the instance is the row as saved until this form's values are applied).
            cleaned[name] = getattr(self.instance, name)
        if "tagged_items" in theirs and "tags" in self.fields:
            # Tags are typed in one field here; the conflict table names them by their relation.
            cleaned["tags"] = [tag.name for tag in self.instance.tags.all()]
        return cleaned

    def _apply_desk_action(self, cleaned):
        # Checked against the article as stored (the instance is updated from the form only after clean()).
        try:
            status, when = services.desk_transition(
                self.desk_action, self.instance, user=self.desk_user, when=cleaned.get("published_at")
            )
        except PermissionDenied as error:
            raise forms.ValidationError(str(error), code="permission") from None
        except ValidationError as error:
            if self.desk_action == "schedule" and "published_at" in self.fields:
                self.add_error("published_at", error)
                return
            raise
        cleaned["status"], cleaned["published_at"] = status, when

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
