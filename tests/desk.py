"""Helpers for the editors' desk tests: people in the newsroom's roles, and admin URLs."""

import importlib

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.forms import CheckboxInput, FileInput, MultiWidget
from django.urls import reverse
from taggit.forms import TagWidget

_groups = importlib.import_module("articles.migrations.0016_desk_roles_least_privilege")
_picture_groups = importlib.import_module("images.migrations.0002_desk_permissions")

PASSWORD = "correct horse battery staple"


def staff(username, group=None, *, password=None, **kwargs):
    """A staff account in ``group`` (the groups are made again: a flushed database lost them).

    Without ``password`` the account can only be logged in by the test client: hashing is slow.
    """
    _groups.grant_desk_roles(Group, Permission)
    _picture_groups.grant_desk_roles(Group, Permission)
    user = get_user_model().objects.create(username=username, is_staff=True, **kwargs)
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def reporter(username="reporter", **kwargs):
    return staff(username, "Reporter", **kwargs)


def editor(username="editor", **kwargs):
    return staff(username, "Editor", **kwargs)


def superuser(username="admin"):
    return staff(username, is_superuser=True)


def admin_url(obj_or_model, view, *args):
    opts = obj_or_model._meta
    if view in {"change", "delete", "history", "revision"}:
        args = (obj_or_model.pk, *args)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def article_form_data(article, **changes):
    """What the admin change form posts for ``article``, with ``changes`` typed in."""
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "dek": article.dek,
        "body": article.body,
        "section": article.section_id,
        "language": article.language,
        "status": article.status,
        "published_at_0": article.published_at.strftime("%Y-%m-%d") if article.published_at else "",
        "published_at_1": article.published_at.strftime("%H:%M:%S") if article.published_at else "",
        "featured_image": article.featured_image_id or "",
        "seen_version": article.version,
        "tags": ", ".join(f'"{tag.name}"' for tag in article.tags.all()) if article.pk else "",
    }
    for prefix in ("bylines", "citations", "notes", "corrections", "desk_notes"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return data


def posted_form(response, **changes):
    """The data a browser would post back from an admin change form ``response``, with ``changes``."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for bound in form:
            value, widget = bound.value(), bound.field.widget
            if isinstance(widget, MultiWidget):
                parts = widget.decompress(value) if not isinstance(value, list) else value
                data.update({f"{bound.html_name}_{i}": "" if p is None else str(p) for i, p in enumerate(parts)})
            elif isinstance(widget, TagWidget):
                data[bound.html_name] = widget.format_value(value) or ""
            elif isinstance(widget, CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif not isinstance(widget, FileInput):
                data[bound.html_name] = "" if value is None else getattr(value, "pk", value)
    data.update(changes)
    return data
