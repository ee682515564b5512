from django.contrib import admin
from django.db.models import Exists, OuterRef

from .models import Placement


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    """The front page on the desk: pin a lead and order the featured stories; expired pins simply stop showing."""

    list_display = ["article", "slot", "order", "expires_at", "is_live"]
    list_editable = ["slot", "order", "expires_at"]
    list_select_related = ["article"]
    list_filter = ["slot"]
    autocomplete_fields = ["article"]
    search_fields = ["article__headline"]

    def get_queryset(self, request):
        live = Placement.objects.live().filter(pk=OuterRef("pk"))
        return super().get_queryset(request).annotate(live=Exists(live))

    @admin.display(boolean=True, description="on the page now", ordering="live")
    def is_live(self, obj):
        """Published and not expired: a pinned draft or scheduled story waits here without showing."""
        return obj.live
