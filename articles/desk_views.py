"""The desk's small JSON endpoints, polled by static/desk/desk.js from the article form.

Both are admin views (staff login required, CSRF-protected POSTs) and check the article's own
permission (articles.permissions) before doing anything.

- POST ``<id>/presence/``: ``{"others": [name, ...]}``, the other people who have the form open.
- POST ``<id>/autosave/`` with a JSON object ``{"headline", "dek", "body", "version"}``: saves the text of
  an unpublished article as a revision and answers ``{"version": n, "saved_at": ISO 8601}``; 409 with
  ``{"error"}`` when someone saved since ``version``; 400 with ``{"error", "fields"}`` for bad input;
  403 when the user may not edit it or it is published (published articles are never autosaved).
"""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import desk, permissions, services
from .models import Article


def _article(request, object_id, rule):
    """The article if ``rule`` allows; 404 (like an id never used) for one the user may not see, 403 otherwise."""
    if not object_id.isascii() or not object_id.isdigit():
        raise Http404("No such article.")
    article = get_object_or_404(Article, pk=int(object_id))
    if not permissions.may_view(request.user, article):
        raise Http404("No such article.")
    if not rule(request.user, article):
        raise PermissionDenied
    return article


@never_cache
@require_POST
def presence(request, object_id):
    article = _article(request, object_id, permissions.may_view)
    if request.POST.get("leaving"):
        desk.mark_absent(article.pk, request.user)
        return JsonResponse({"others": []})
    return JsonResponse({"others": desk.mark_present(article.pk, request.user), "poll": desk.PRESENCE_POLL})


@never_cache
@require_POST
def autosave(request, object_id):
    article = _article(request, object_id, permissions.may_edit)
    try:
        data = json.loads(request.body)
        fields = {name: data[name] for name in ("headline", "dek", "body")}
        version = data["version"]
        if not all(isinstance(value, str) for value in fields.values()) or not isinstance(version, int):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"error": "Send a JSON object with headline, dek and body (text) and version (a number)."}, status=400
        )
    try:
        saved = services.autosave(article, user=request.user, seen_version=version, **fields)
    except PermissionDenied as error:
        return JsonResponse({"error": str(error)}, status=403)
    except ValidationError as error:
        if getattr(error, "code", None) == "stale":
            return JsonResponse({"error": error.messages[0]}, status=409)
        fields = getattr(error, "message_dict", {})
        return JsonResponse({"error": " ".join(error.messages), "fields": fields}, status=400)
    return JsonResponse({"version": saved.version, "saved_at": saved.updated_at.isoformat()})
