"""The admin's "view on site" redirect (/admin/r/<content type>/<id>/), guarded like every other desk URL.

Django's own redirect sends any staff member to any object's public address, so walking ids would
reveal other reporters' draft slugs (made from their headlines). Here the object must be one the
user may see in its model's admin (its get_queryset and has_view_or_change_permission); otherwise the
answer is the same 404 as for an id that does not exist.
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404


def view_on_site(request, content_type_id, object_id):
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        model = None
    model_admin = admin.site._registry.get(model)
    obj = model_admin.get_object(request, object_id) if model_admin else None
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        raise Http404("No such object.")
    return shortcut(request, content_type_id, object_id)
