"""Share links: a signed, expiring address that lets someone without an account read one draft."""

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from .models import Article
from .views import ArticleDetailView

SALT = "articles.preview"


def share_token(article):
    # The slug is bound too: renaming the article's address withdraws links already handed out.
    return signing.TimestampSigner(salt=SALT).sign_object({"pk": article.pk, "slug": article.slug}, compress=True)


def share_url(article):
    return settings.NEWSROOM_SITE_URL + reverse("articles:share_preview", kwargs={"token": share_token(article)})


def article_for_token(token):
    """The article a token was made for, or Http404 when it is forged, altered, expired or outdated."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=settings.NEWSROOM_PREVIEW_MAX_AGE)
        pk, slug = int(data["pk"]), str(data["slug"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404("This preview link is not valid or has expired.") from None
    return get_object_or_404(Article.objects.for_detail(), pk=pk, slug=slug)


@method_decorator(never_cache, name="dispatch")
class SharePreviewView(ArticleDetailView):
    """The article page, for whoever holds the token; the page shows the draft banner as for staff."""

    def get_object(self, queryset=None):
        return article_for_token(self.kwargs["token"])

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
