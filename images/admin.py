from django.contrib import admin

from articles import permissions

from . import renditions
from .models import Image


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """The library: search by caption, credit or alt text; the article form picks from it by autocomplete."""

    list_display = ["__str__", "credit", "width", "height", "uploaded_by", "created_at"]
    list_select_related = ["uploaded_by"]
    search_fields = ["caption", "credit", "alt_text"]
    date_hierarchy = "created_at"
    readonly_fields = ["preview", "body_address", "width", "height", "uploaded_by", "created_at"]
    fields = ["file", "preview", "alt_text", "caption", "credit", "focal_x", "focal_y", *readonly_fields[1:]]

    @admin.display(description="address for a story's body")
    def body_address(self, obj):
        """What to paste into the body editor's image button: pages then serve it in every size and format."""
        return obj.file.url if obj.pk and obj.file else "—"

    @admin.display(description="preview (cropped around the focal point)")
    def preview(self, obj):
        return renditions.picture(obj, "thumb") or "—"

    def has_change_permission(self, request, obj=None):
        return permissions.may_change_image(request.user, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
