"""`loaddata`, refusing a fixture whose Newsroom records are invalid: nothing is loaded, the file is named.

Django's loaddata saves what it reads without validating it, so a fixture with a slug "a/b" loads and
then makes the home page, sitemap and feeds fail. Here every record of the articles app is
normalized (NFC, name keys) and validated with full_clean() (fields, choices, validators, unique
fields and constraints against the database) before it is saved, and two records of one file with
the same unique value are refused too. Django runs the whole load in one transaction, so the first
problem rolls everything back. The error reads:
``Problem installing fixture 'FILE': articles.article "headline" (object N in the file): slug: ...``.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.db import models

from articles.fields import refuse_control_characters
from articles.models import normalize_text
from articles.signals import loading_fixtures

VALIDATED_APPS = {"articles"}


class FixtureRejected(Exception):
    """A record of a fixture is invalid. Not a CommandError, so that loaddata adds the file's name."""


class Command(loaddata.Command):
    help = f"{loaddata.Command.help} Records of the articles app are validated first; an invalid one loads nothing."

    def handle(self, *fixture_labels, **options):
        try:
            with loading_fixtures():
                return super().handle(*fixture_labels, **options)
        except FixtureRejected as error:
            raise CommandError(f"{error} Nothing was loaded.") from None

    def load_label(self, fixture_label):
        self._seen, self._position = {}, 0
        return super().load_label(fixture_label)

    def save_obj(self, obj):
        self._position += 1
        instance = obj.object
        skipped = instance._meta.app_config in self.excluded_apps or type(instance) in self.excluded_models
        if instance._meta.app_label in VALIDATED_APPS and not skipped:
            self._validate(instance, exclude=set(obj.deferred_fields or ()))
        return super().save_obj(obj)

    def _validate(self, instance, exclude):
        exclude = {getattr(field, "name", field) for field in exclude}
        normalize_text(instance)
        adding = instance._state.adding
        # A record found by its natural key updates that row: its own row is not a clash.
        instance._state.adding = not (
            instance.pk is not None and type(instance)._default_manager.filter(pk=instance.pk).exists()
        )
        try:
            refuse_control_characters(instance)
            instance.full_clean(exclude=exclude)
            self._refuse_duplicates_in_file(instance)
        except ValidationError as error:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
                for field, messages in error.message_dict.items()
            )
            label = f"{instance._meta.label_lower} “{_shown(instance)}” (object {self._position} in the file)"
            raise FixtureRejected(f"{label}: {problems}") from None
        finally:
            instance._state.adding = adding

    def _refuse_duplicates_in_file(self, instance):
        """Two records of one file with the same unique value would silently become one row."""
        opts = instance._meta
        unique_sets = [(f.name,) for f in opts.fields if f.unique and not f.primary_key]
        unique_sets += [
            tuple(c.fields) for c in opts.constraints if isinstance(c, models.UniqueConstraint) and c.condition is None
        ]
        for names in unique_sets:
            values = tuple(getattr(instance, opts.get_field(name).attname) for name in names)
            if None in values or "" in values:
                continue
            key = (opts.label_lower, names, values)
            if key in self._seen:
                raise ValidationError(
                    {names[0]: f"the same {', '.join(names)} as object {self._seen[key]} in this file."}
                )
            self._seen[key] = self._position


def _shown(instance):
    try:
        text = str(instance)
    except Exception:  # a half-loaded record's __str__ may need a row that is not there
        text = ""
    return (text or "?")[:80]
