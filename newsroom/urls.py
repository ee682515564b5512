from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles import access
from ops import views as ops_views

admin.site.site_header = f"{settings.NEWSROOM_SITE_NAME} desk"
admin.site.site_title = f"{settings.NEWSROOM_SITE_NAME} desk"
admin.site.index_title = "Newsroom"

urlpatterns = [
    # Before the admin's own "view on site" redirect, which checks nothing but staff status.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(access.view_on_site),
        name="view_on_site",
    ),
    path("admin/", admin.site.urls),
    path("", include("search.urls")),
    path("", include("articles.urls")),
]
if settings.NEWSROOM_STORAGE == "local" and settings.NEWSROOM_SERVE_MEDIA:
    # Uploads on local disk are served by the app in every mode (an object store serves its own); a web server or
    # CDN in front can take /media/ over (NEWSROOM_SERVE_MEDIA=0).
    urlpatterns.append(path(settings.MEDIA_URL.lstrip("/") + "<path:path>", ops_views.media, name="media"))

# A database that does not answer gets a 503 page instead of the 500 page (ops.views.server_error).
handler500 = "ops.views.server_error"
