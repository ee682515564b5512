"""The desk's writing aids: the tag box, the presence list, the language filter, desk notes, list columns.

Kept out of articles/admin.py so the ModelAdmin stays a declaration. The rules of who may do what
are in articles/permissions.py; writes that span models in articles/services.py.
"""

import time

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.cache import cache
from django.db.models import CharField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Cast
from django.urls import path

from . import permissions, services
from .admin_base import INLINE_MAX_FORMS, CappedInlineFormSet, DeskFieldsMixin, SafeAutocompleteSelect
from .models import Article, Byline, DeskNote
from .signals import is_loading_fixtures

# --- Form widgets that validate (Nu HTML Checker) and have accessible names ----------------------


class AutocompleteSelect(SafeAutocompleteSelect):
    """The admin's autocomplete, with an empty first option even when a value is required.

    HTML requires one on a required single <select> (the "placeholder label option"); Django's
    renders only the chosen option, so the add form's section box was invalid.
    """

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        if self.is_required:
            groups[0][1].insert(0, self.create_option(name, "", "—", False, 0))
        for option in groups[0][1]:
            if option["value"] == "" and not option["label"]:
                option["label"] = "—"  # an empty <option> needs text or a label (e.g. the optional picture box)
        return groups


# --- "X is also editing this article" --------------------------------------------------------------

# The form polls every PRESENCE_POLL seconds; someone not heard from for PRESENCE_TTL has left.
PRESENCE_POLL = 15
PRESENCE_TTL = 40


def _presence_key(article_id):
    return f"desk:presence:{article_id}"


def display_name(user):
    return user.get_full_name() or user.get_username()


def mark_present(article_id, user, *, now=None):
    """Note that ``user`` has the article's form open; return the names of the others who have.

    Kept in the shared cache (Redis in production) as {user id: [name, last seen (epoch seconds)]}
    under one key per article with a short TTL. Two polls landing at once may drop one mark, which
    the next poll restores: a presence notice is a hint, never a lock.
    """
    now = time.time() if now is None else now
    key = _presence_key(article_id)
    present = {
        uid: entry for uid, entry in (cache.get(key) or {}).items() if now - entry[1] < PRESENCE_TTL and uid != user.pk
    }
    others = sorted(name for name, _ in present.values())
    present[user.pk] = [display_name(user), now]
    cache.set(key, present, PRESENCE_TTL)
    return others


def mark_absent(article_id, user):
    """``user`` closed the form: drop them from the article's presence list."""
    key = _presence_key(article_id)
    present = cache.get(key) or {}
    if present.pop(user.pk, None) is not None:
        cache.set(key, present, PRESENCE_TTL)


# --- The article list ---------------------------------------------------------------------------


def with_desk_columns(queryset):
    """Articles with what the desk list shows: bylines (prefetched) and who changed each one last.

    The last changer comes from the newest django-reversion revision of the article, in the same
    query as the list (a subquery), so the list takes a fixed number of queries.
    """
    from reversion.models import Version

    opts = Article._meta
    latest = Version.objects.filter(
        content_type__app_label=opts.app_label,
        content_type__model=opts.model_name,
        object_id=Cast(OuterRef("pk"), CharField()),
    ).order_by("-pk")
    return queryset.annotate(
        last_changed_by=Subquery(latest.values("revision__user__username")[:1]),
    ).prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("author")))


class DeskChangeList(ChangeList):
    """The article list, with the columns of with_desk_columns()."""

    def get_queryset(self, request, exclude_parameters=None):
        return with_desk_columns(super().get_queryset(request, exclude_parameters))


# --- The article admin's desk behaviour ------------------------------------------------------------


class DeskAdminMixin:
    """What the desk adds to the article ModelAdmin: buttons, autosave and presence URLs, desk notes,
    the default byline, the list's byline and last-changed columns, and widgets with accessible names."""

    def get_urls(self):
        from . import desk_views

        opts = self.model._meta
        urls = [
            path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(view),
                name=f"{opts.app_label}_{opts.model_name}_{name}",
            )
            for name, view in (("presence", desk_views.presence), ("autosave", desk_views.autosave))
        ]
        return [*urls, *super().get_urls()]

    def get_changelist(self, request, **kwargs):
        return DeskChangeList

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = AutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The submit row's buttons (templates/admin/articles/article/submit_line.html) name a DeskAction.
        form.desk_action, form.desk_user = request.POST.get("_desk_action") or None, request.user
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["desk_actions"] = permissions.desk_actions(request.user, obj)
        context["desk_autosave"] = (
            obj is not None and obj.status in permissions.UNPUBLISHED and permissions.may_edit(request.user, obj)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is DeskNote:
            sign_desk_notes(formset, request.user)
        else:
            super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            services.give_default_byline(form.instance, request.user)

    @admin.display(description="bylines")
    def bylines(self, obj):
        return ", ".join(byline.author.name for byline in obj.bylines.all()) or "—"

    @admin.display(description="last changed by")
    def changed_by(self, obj):
        return getattr(obj, "last_changed_by", None) or "—"


# --- Desk notes -----------------------------------------------------------------------------------


class DeskNoteInline(DeskFieldsMixin, admin.StackedInline):
    """Internal notes for the desk. A note stays as written (no edits): add another to follow up."""

    formset = CappedInlineFormSet
    max_num = INLINE_MAX_FORMS
    model = DeskNote
    extra = 0
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    verbose_name_plural = "desk notes (internal, never shown to readers)"

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, **{"absolute_max": INLINE_MAX_FORMS, **kwargs})

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and permissions.may_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def sign_desk_notes(formset, user):
    """Save the new notes of a DeskNoteInline formset as written by ``user``."""
    for note in formset.save(commit=False):
        note.author = user
        note.save()


# --- Everyone who writes has a byline ------------------------------------------------------------

DESK_GROUPS = ("Reporter", "Editor")


def _give_writers_an_author(sender, instance, action, pk_set, reverse, **kwargs):
    """A staff account put in a desk group gets its Author record (its byline) there and then."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    if action != "post_add" or not pk_set or is_loading_fixtures():
        return  # a fixture or backup brings its own Author rows
    if reverse:  # group.user_set.add(...): the instance is the group
        if instance.name in DESK_GROUPS:
            for user in get_user_model().objects.filter(pk__in=pk_set, author__isnull=True):
                services.author_for(user)
    elif Group.objects.filter(pk__in=pk_set, name__in=DESK_GROUPS).exists():
        services.author_for(instance)


def connect_signals():
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed

    m2m_changed.connect(
        _give_writers_an_author, sender=get_user_model().groups.through, dispatch_uid="desk_writers_have_authors"
    )
