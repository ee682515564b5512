from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles import access

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
    path("", include("articles.urls")),
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]
