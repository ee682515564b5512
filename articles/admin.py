"""The editors' desk: the whole newsroom workflow in the Django admin.

Who may do what is decided in articles.permissions; writes that span models live in articles.services.
"""

from csp.constants import NONCE, SELF, UNSAFE_INLINE
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, OuterRef, Subquery, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from js_asset import Media
from reversion.admin import VersionAdmin
from taggit.models import Tag as TaggitTag

from search.results import filter_articles

from . import desk, permissions, services
from .admin_base import DeskInline, DeskModelAdmin
from .admin_filters import AuthorNameFilter, LanguageFilter, SourceNameFilter, TagNameFilter
from .forms import (
    ArticleActionForm,
    ArticleAdminForm,
    MergeActionForm,
    TagAdminForm,
    parse_local_time,
)
from .history_admin import ArticleHistoryMixin
from .models import (
    Article,
    Author,
    BackgroundNote,
    Byline,
    Citation,
    Correction,
    Section,
    SlugHistory,
    Source,
    SourceAlias,
    Tag,
)
from .preview import share_url
from .querysets import known_to

# The body editor loads its modules through an inline import map; it runs with this page's nonce.
# Its styles are set inline, which only staff pages allow.
EDITOR_CSP = {"script-src": [SELF, NONCE], "style-src": [SELF, UNSAFE_INLINE]}

# Our tags are articles.Tag; taggit's own model is unused and would only confuse the desk.
admin.site.unregister(TaggitTag)


class ArticleChildInline(DeskInline):
    """Child rows follow their article: editable exactly when the article is."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and permissions.may_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and permissions.may_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and permissions.may_edit(request.user, obj)


class BylineInline(ArticleChildInline):
    model = Byline
    autocomplete_fields = ["author"]
    fields = ["author", "role", "order"]


class CitationInline(ArticleChildInline):
    model = Citation
    autocomplete_fields = ["source"]
    fields = ["source", "url", "role", "order"]


class BackgroundNoteInline(ArticleChildInline):
    model = BackgroundNote
    fields = ["text", "order"]


class CorrectionInline(ArticleChildInline):
    """Corrections are the editors' word to readers, so only editors write them.

    Once saved, one is a public record: never changed or deleted here, only retracted (with a public note).
    """

    model = Correction
    fields = ["kind", "text", "published_at", "retraction"]
    readonly_fields = ["retraction", "retract"]

    def get_fields(self, request, obj=None):
        return [*self.fields, "retract"] if permissions.may_publish(request.user) else self.fields

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and permissions.may_publish(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="retracted")
    def retraction(self, correction):
        if not correction.retracted_at:
            return "—"
        return f"{timezone.localtime(correction.retracted_at):%Y-%m-%d %H:%M}: {correction.retraction_reason}"

    @admin.display(description="")
    def retract(self, correction):
        if correction.pk is None or correction.retracted_at:
            return ""
        url = reverse("admin:articles_article_retract", args=[correction.article_id, correction.pk])
        return format_html('<a href="{}">Retract…</a>', url)


class DeskStatusFilter(admin.SimpleListFilter):
    title, parameter_name = "status", "desk_status"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("review", "In review"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        match self.value():
            case "scheduled":
                return queryset.scheduled()
            case "published":
                return queryset.published()
            case "draft" | "review":
                return queryset.filter(status=self.value())
        return queryset


@admin.register(Article)
class ArticleAdmin(desk.DeskAdminMixin, ArticleHistoryMixin, DeskModelAdmin, VersionAdmin):
    form = ArticleAdminForm
    action_form = ArticleActionForm
    list_display = ["headline", "desk_status", "section", "bylines", "publication_time", "updated_at", "changed_by"]
    # Tags, sources and authors are typed, not listed: an archive has thousands of them (admin_filters.py).
    list_filter = [DeskStatusFilter, "section", LanguageFilter, SourceNameFilter, TagNameFilter, AuthorNameFilter]
    show_full_result_count = False  # "N results (M total)" would count the whole archive on every page
    # The id lookups of the list filters these text boxes replaced: bookmarked desk addresses keep working.
    KEPT_LOOKUPS = {"sources__id__exact", "tagged_items__tag__id__exact", "authors__id__exact"}

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in self.KEPT_LOOKUPS or super().lookup_allowed(lookup, value, request)

    list_select_related = ["section"]
    search_fields = ["headline", "dek", "body"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["section", "featured_image"]
    inlines = [BylineInline, CitationInline, BackgroundNoteInline, CorrectionInline, desk.DeskNoteInline]
    actions = ["publish_now", "schedule", "send_back_to_draft", "add_tag", "remove_tag"]
    readonly_fields = ["share_link", "desk_record"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "body", "section", "tags", "language"]}),
        ("Publication", {"fields": ["status", "published_at", "share_link", "desk_record", "seen_version"]}),
        ("Featured image", {"fields": ["featured_image"]}),
    ]
    object_history_template = "admin/articles/article/object_history.html"
    change_list_template = "admin/articles/article/change_list.html"  # a date hierarchy that reads no archive

    class Media:
        css = {"all": ["css/desk.css"]}
        js = ["desk/desk.js"]

    # --- who sees and changes what (the rules are in articles.permissions) ---

    def get_queryset(self, request):
        return super().get_queryset(request).on_desk_of(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.may_view(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return permissions.may_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and permissions.may_edit(request.user, obj)

    def has_publish_permission(self, request):
        return permissions.may_publish(request.user)

    def get_deleted_objects(self, objs, request):
        # Corrections are a public record: an article that has any is unpublished, never deleted.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        corrected = Correction.objects.filter(article__in=objs).select_related("article")
        protected = [*protected, *(f"{c} (a public correction: retract it instead)" for c in corrected)]
        return deleted, counts, perms_needed, protected

    def get_readonly_fields(self, request, obj=None):
        if permissions.may_publish(request.user):
            return self.readonly_fields
        return [*self.readonly_fields, "published_at"]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not permissions.may_publish(request.user):
            # A forged "published" is then an invalid choice, refused with a form error.
            kwargs["choices"] = [c for c in db_field.choices if c[0] in permissions.UNPUBLISHED]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        """The desk searches with the readers' engine (search.results), drafts included."""
        if not search_term.strip():
            return queryset, False
        return filter_articles(queryset, search_term), False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    # --- columns ---

    @admin.display(description="status", ordering="status")
    def desk_status(self, obj):
        return "Scheduled" if obj.is_scheduled else obj.get_status_display()

    @admin.display(description="published / scheduled for", ordering="published_at")
    def publication_time(self, obj):
        return obj.published_at

    @admin.display(description="share link")
    def share_link(self, obj):
        if obj.pk is None or obj.is_public:
            return "—"
        url = share_url(obj)
        return format_html(
            '<a href="{}" rel="noreferrer">{}</a><br>Anyone with this link can read the draft.', url, url
        )

    @admin.display(description="record")
    def desk_record(self, obj):
        if obj.pk is None:
            return "—"
        record = f"Version {obj.version}, created by {obj.created_by or 'an import'}."
        if obj.is_scheduled:
            when = timezone.localtime(obj.published_at)
            record += f" Scheduled: goes live by itself on {when:%Y-%m-%d at %H:%M %Z}."
        return record

    # --- actions (each needs the publish permission, checked again in the services) ---

    def _run(self, request, queryset, service, *args, done):
        try:
            count = service(list(queryset), *args, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
            return
        self.message_user(request, f"{count} article(s) {done}.", messages.SUCCESS)

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        self._run(request, queryset, services.publish, done="published")

    @admin.action(description="Schedule at the time given", permissions=["publish"])
    def schedule(self, request, queryset):
        try:
            when = parse_local_time(request.POST.get("when"))
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self._run(request, queryset, services.schedule, when, done="scheduled")

    @admin.action(description="Send back to draft", permissions=["publish"])
    def send_back_to_draft(self, request, queryset):
        self._run(request, queryset, services.unpublish, done="sent back to draft")

    @admin.action(description="Add the tag given", permissions=["publish"])
    def add_tag(self, request, queryset):
        self._run(request, queryset, services.add_tag, request.POST.get("tag", ""), done="tagged")

    @admin.action(description="Remove the tag given", permissions=["publish"])
    def remove_tag(self, request, queryset):
        self._run(request, queryset, services.remove_tag, request.POST.get("tag", ""), done="untagged")

    # --- the body editor under the Content-Security-Policy ---

    def render_change_form(self, request, context, *args, **kwargs):
        nonce = getattr(request, "csp_nonce", None)
        if nonce is not None:
            context["media"] = Media.from_media(context["media"], nonce=str(nonce))
        response = super().render_change_form(request, context, *args, **kwargs)
        response._csp_update = EDITOR_CSP
        return response


class SourceAliasInline(DeskInline):
    model = SourceAlias
    extra = 1


@admin.register(Source)
class SourceAdmin(DeskModelAdmin):
    list_display = ["name", "kind", "homepage", "citation_count"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases__name"]
    inlines = [SourceAliasInline]
    action_form = MergeActionForm
    actions = ["merge"]

    def get_queryset(self, request):
        return known_to(super().get_queryset(request), "sources", request.user, "citation_count").order_by("name")

    @admin.display(description="citations", ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count

    def has_merge_permission(self, request):
        return permissions.may_publish(request.user)

    @admin.action(description="Merge the selected sources into the one named below", permissions=["merge"])
    def merge(self, request, queryset):
        name = (self.action_form(request.POST).data.get("into") or "").strip()
        keep = Source.named(name).first() or SourceAlias.named(name).select_related("source").first()
        keep = getattr(keep, "source", keep)
        if keep is None:
            self.message_user(request, f"There is no source called “{name}” to merge into.", messages.ERROR)
            return
        moved = sum(
            services.merge_sources(keep, duplicate, user=request.user) for duplicate in queryset.exclude(pk=keep.pk)
        )
        self.message_user(request, f"Merged into {keep}; {moved} article(s) now cite it.", messages.SUCCESS)


@admin.register(Tag)
class TagAdmin(DeskModelAdmin):
    form = TagAdminForm
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    action_form = MergeActionForm
    actions = ["merge"]

    def get_queryset(self, request):
        tags = super().get_queryset(request)
        return known_to(tags, "tags", request.user, "article_count").order_by("name")

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    def save_model(self, request, obj, form, change):
        if change and "name" in form.changed_data:
            services.rename_tag(obj, form.cleaned_data["name"])
        else:
            super().save_model(request, obj, form, change)

    def has_merge_permission(self, request):
        return permissions.may_publish(request.user)

    @admin.action(description="Merge the selected tags into the one named below", permissions=["merge"])
    def merge(self, request, queryset):
        name = " ".join((self.action_form(request.POST).data.get("into") or "").split())
        keep = Tag.named(name).first()
        if keep is None:
            self.message_user(request, f"There is no tag called “{name}” to merge into.", messages.ERROR)
            return
        moved = services.merge_tags(keep, list(queryset), user=request.user)
        self.message_user(request, f"Merged into “{keep}”; {moved} article(s) moved.", messages.SUCCESS)


@admin.register(Section)
class SectionAdmin(DeskModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(DeskModelAdmin):
    list_display = ["name", "slug", "user"]
    list_select_related = ["user"]
    search_fields = ["name"]
    autocomplete_fields = ["user"]


@admin.register(SlugHistory)
class SlugHistoryAdmin(admin.ModelAdmin):
    """Old addresses, kept so links never break: written by renames and merges, never by hand."""

    list_display = ["old_slug", "kind", "leads_to", "created_at"]
    list_filter = ["kind"]
    search_fields = ["old_slug"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        # The current slug of each row's target in the same query, whatever its kind (no query per row).
        current = [
            When(
                kind=kind,
                then=Subquery(SlugHistory.model_for(kind).objects.filter(pk=OuterRef("object_id")).values("slug")[:1]),
            )
            for kind in SlugHistory.Kind.values
        ]
        return super().get_queryset(request).annotate(current_slug=Case(*current))

    @admin.display(description="now leads to")
    def leads_to(self, obj):
        if not obj.current_slug:
            return "(deleted)"
        url = reverse(f"articles:{obj.kind}", kwargs={"slug": obj.current_slug})
        return format_html('<a href="{}">{}</a>', url, url)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
