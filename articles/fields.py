"""Model and form fields for text in every script: slugs by Newsroom's own rule, text in NFC."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from .text import control_characters, nfc, validate_slug


class SlugFormField(forms.CharField):
    """A slug typed on the desk: NFC, then articles.text.validate_slug (not Django's \\w rule)."""

    default_validators = [validate_slug]

    def __init__(self, *, allow_unicode=True, **kwargs):
        super().__init__(**kwargs)  # every script is allowed: allow_unicode is accepted and ignored

    def to_python(self, value):
        return nfc(super().to_python(value))


class SlugField(models.SlugField):
    """A unique-able slug in any script, combining marks included (Hindi, Bengali, Tamil, Thai, ...).

    Django's SlugField(allow_unicode=True) validates with \\w, which refuses the combining marks
    those scripts are written with; this one uses articles.text.validate_slug everywhere.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_unicode", True)
        super().__init__(*args, **kwargs)
        # Django's __init__ sets validate_unicode_slug, and CharField's caches the validators with it.
        self.default_validators = [validate_slug]
        self.__dict__.pop("validators", None)
        self.validators.append(MaxLengthValidator(self.max_length))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SlugFormField, **kwargs})


class DeskTextForm(forms.BaseForm):
    """Mixin for every desk form: text in NFC, and control characters refused with a clear error.

    Tab, newline and carriage return are allowed in multi-line fields (a Textarea) only.
    """

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if not isinstance(value, str):
                continue
            field = self.fields.get(name)
            allowed = "\t\n\r" if isinstance(getattr(field, "widget", None), forms.Textarea) else ""
            found = control_characters(value, allowed)
            if found:
                self.add_error(
                    name,
                    ValidationError(
                        f"This text contains control characters ({', '.join(found)}); remove them.",
                        code="control_characters",
                    ),
                )
            else:
                cleaned[name] = nfc(value)
        return cleaned


def refuse_control_characters(instance):
    """Raise ValidationError naming each text field of a model ``instance`` with control characters.

    The rule of DeskTextForm for records that do not come through a form (fixtures): tab and line
    breaks only in TextFields.
    """
    errors = {}
    for field in type(instance)._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(field, (models.CharField, models.TextField)) and isinstance(value, str):
            found = control_characters(value, "\t\n\r" if isinstance(field, models.TextField) else "")
            if found:
                errors[field.name] = f"contains control characters ({', '.join(found)})."
    if errors:
        raise ValidationError(errors)
