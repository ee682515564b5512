"""Old addresses keep working: a slug an article, section, tag, source or author had answers 301, and so
does one typed in capitals.

The old slugs are recorded in models.SlugHistory (on rename, by the models' save; on merge, by
articles.services). ``follow_old_slugs`` wraps a view addressed by ``slug`` in articles.urls: only when
the view finds nothing (404) is the history asked, so a live slug always wins and pages cost no query more.
"""

import functools

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse

from .models import Article, SlugHistory


def follow_old_slugs(kind, view):
    """``view``, answering 301 to the current address when ``slug`` is one a ``kind`` row had before."""

    @functools.wraps(view)
    def wrapper(request, *args, slug, **kwargs):
        try:
            return view(request, *args, slug=slug, **kwargs)
        except Http404:
            target = moved_to(kind, slug, request.user)
            if target is None:
                raise
            url = reverse(request.resolver_match.view_name, args=args, kwargs={**kwargs, "slug": target.slug})
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

    return wrapper


def moved_to(kind, slug, user):
    """The row a ``kind`` once addressed as ``slug`` now is, or None (a row has it now, or none ever did).

    An article is followed only if ``user`` may see it, so an old address never reveals a draft's new slug.
    """
    model = SlugHistory.model_for(kind)
    if model._default_manager.filter(slug=slug).exists():
        return None
    target = SlugHistory.current(kind, slug)
    if target is None and slug != slug.lower():
        # Slugs are made lower case (text.slugify): an address typed or pasted in capitals, in any script.
        lowered = slug.lower()
        target = model._default_manager.filter(slug=lowered).first() or SlugHistory.current(kind, lowered)
    if target is None or target.slug == slug:
        return None
    if kind == SlugHistory.Kind.ARTICLE and not Article.objects.visible_to(user).filter(pk=target.pk).exists():
        return None
    return target
