from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from images.views import media

admin.site.site_header = f"{settings.NEWSROOM_SITE_NAME} desk"
admin.site.site_title = f"{settings.NEWSROOM_SITE_NAME} desk"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]
if settings.NEWSROOM_SERVE_MEDIA:
    # Pictures work with DEBUG off too; a web server or CDN in front can take /media/ over (NEWSROOM_SERVE_MEDIA=0).
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", media, name="media"))
