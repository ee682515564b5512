"""What every desk page shares: bad input is a form error or a message, never a 500.

- Every text field is NFC and refuses control characters (articles.fields.DeskTextForm).
- A non-numeric or out-of-range id, in an autocomplete field or an action's selection, is refused
  before it reaches the database (Django's admin passes it to a query, which raises).
- A NUL in a changelist's query is a 400 and is dropped from search terms (PostgreSQL refuses NUL).
- Inline formsets build at most INLINE_MAX_FORMS forms, whatever TOTAL_FORMS claims.
- Times the site's time zone skips or repeats (daylight saving) are refused by name.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.forms.formsets import TOTAL_FORM_COUNT
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseBadRequest, HttpResponseRedirect

from .fields import DeskTextForm
from .forms import LocalSplitDateTimeField
from .text import name_key

# Far above any article's bylines, citations, tags, notes or corrections; Django's own cap is 2,000
# forms per formset, which takes seconds to build and refuse.
INLINE_MAX_FORMS = 100

DESK_FIELDS = {
    # An address typed without a scheme is taken as https, as browsers do.
    models.URLField: {"assume_scheme": "https"},
    models.DateTimeField: {"form_class": LocalSplitDateTimeField},
}


class DeskModelForm(DeskTextForm, forms.ModelForm):
    pass


def is_valid_value(field, value):
    """Whether ``value`` (as posted) is a value of model ``field``: the right type and in the database's range."""
    try:
        field.clean(value, None)
    except ValidationError:
        return False
    return True


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete, re-rendering a form without querying for a posted value that is not an id."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        return super().optgroups(name, [v for v in value if is_valid_value(target, v)], attr)


class DeskFieldsMixin:
    form = DeskModelForm
    formfield_overrides = DESK_FIELDS

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DeskModelAdmin(DeskFieldsMixin, admin.ModelAdmin):
    def changelist_view(self, request, extra_context=None):
        # Filters pass query values to the database, and PostgreSQL refuses NUL in text (a 500).
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            return HttpResponseBadRequest("The address holds a NUL character (U+0000).", content_type="text/plain")
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        """Named records (tags, sources, sections) are also found by name_key: any case, any script, any form.

        Django's search uses icontains, which on SQLite folds ASCII letters only.
        """
        search_term = search_term.replace("\x00", "")  # PostgreSQL refuses NUL in text (autocomplete's term)
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = name_key(search_term)
        if key and any(field.name == "name_key" for field in self.model._meta.fields):
            results = queryset.filter(Q(name_key__contains=key) | Q(pk__in=results.values("pk")))
        return results, may_have_duplicates

    def response_action(self, request, queryset):
        """Refuse an action whose selection holds something that is not an id (Django would query it: 500)."""
        pk = self.model._meta.pk
        bad = [value for value in request.POST.getlist(ACTION_CHECKBOX_NAME) if not is_valid_value(pk, value)]
        if bad:
            shown = ", ".join(f"“{value[:40]}”" for value in bad[:5])
            self.message_user(request, f"Nothing was done: {shown} is not a valid id.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


class CappedInlineFormSet(BaseInlineFormSet):
    """A formset claiming more than ``absolute_max`` rows builds only the saved ones, then refuses.

    Django builds ``absolute_max`` forms (2,000 by default) before refusing, and renders them all
    again on the error page: seconds of work for one forged number. full_clean() still reports
    "Please submit at most N forms", and the rest of the page (the article's text) is kept.
    """

    def total_form_count(self):
        if self.is_bound and self._claimed_forms() > self.absolute_max:
            return self.initial_form_count()
        return super().total_form_count()

    def _claimed_forms(self):
        try:
            return int(self.data.get(self.add_prefix(TOTAL_FORM_COUNT), 0))
        except (TypeError, ValueError):
            return 0


class DeskInline(DeskFieldsMixin, admin.TabularInline):
    formset = CappedInlineFormSet
    max_num = INLINE_MAX_FORMS

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, **{"absolute_max": INLINE_MAX_FORMS, **kwargs})
