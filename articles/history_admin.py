"""The desk's history pages for articles: history, compare, restore, recover deleted, retract a correction.

They replace django-reversion's revision and recover views, which revert a whole revision (every
article a bulk action touched, with its publication state) before any permission check. Here each
view first finds the article among those the user may see (ArticleQuerySet.on_desk_of), checks
articles.permissions, and only accepts a version of that very article; the writes are in
articles.services, the readable snapshots and diffs in articles.history, restore plans in articles.restore.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from reversion.models import Version

from . import history, permissions, restore, services
from .models import Article, Correction


class RestoreForm(forms.Form):
    publication = forms.BooleanField(
        required=False,
        label="Also restore the publication state (status, publication time and address)",
        help_text="Left unticked, the article stays exactly as published or unpublished as it is now.",
    )


class RetractForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Shown to readers under the correction, which stays on the article.",
    )


class ArticleHistoryMixin:
    """For ArticleAdmin (before reversion's VersionAdmin in its bases)."""

    def _url(self, name, *args):
        return reverse(f"{self.admin_site.name}:articles_article_{name}", args=args)

    def _article_or_404(self, request, object_id):
        """The article, if the user may see it on their desk; 404 for one they may not even know exists."""
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_view_permission(request, article):
            raise Http404("No such article.")
        return article

    def _page(self, request, template, article=None, **context):
        context = {**self.admin_site.each_context(request), "opts": self.opts, "original": article, **context}
        return TemplateResponse(request, f"admin/articles/article/{template}", context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/history/compare/", wrap(self.compare_view), name="articles_article_compare"),
            path(
                "<path:object_id>/corrections/<int:correction_id>/retract/",
                wrap(self.retract_view),
                name="articles_article_retract",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        # reversion's list template offers "Recover deleted articles" to whoever has this permission.
        extra = {"has_change_permission": permissions.may_recover(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def get_formsets_with_inlines(self, request, obj=None):
        # After a conflict the editor may take the saved bylines, citations, tags or notes instead of the form's:
        # that inline's posted rows are then neither checked (they may point at rows merged away) nor saved.
        theirs = set()
        if request.method == "POST" and obj is not None:
            theirs = {key.removeprefix("resolve-") for key, value in request.POST.items() if value == "theirs"}
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if formset.get_default_prefix() not in theirs:
                yield formset, inline

    def history_view(self, request, object_id, extra_context=None):
        article = self._article_or_404(request, object_id)
        may_restore = permissions.may_restore(request.user, article)
        versions = [
            {
                "version": version,
                "label": history.describe(version),
                "comment": version.revision.get_comment(),
                "url": self._url("revision", quote(article.pk), version.pk) if may_restore else None,
            }
            for version in history.versions_of(article)
        ]
        context = {"versions": versions, **(extra_context or {})}
        # Django's own history page (not reversion's, which lists versions before checking anything) around
        # our list of versions; it checks the permission again.
        return admin.ModelAdmin.history_view(self, request, object_id, context)

    def compare_view(self, request, object_id):
        """Two versions of one article side by side, field by field, child rows included."""
        article = self._article_or_404(request, object_id)
        versions = list(history.versions_of(article))
        older, newer = (history.version_of(article, request.GET.get(key)) for key in ("from", "to"))
        rows = None
        if older and newer:
            rows = history.changes(history.of_version(older), history.of_version(newer))
        return self._page(
            request,
            "compare.html",
            article,
            title=f"Compare versions of “{article}”",
            versions=[(v, history.describe(v)) for v in versions],
            older=older,
            newer=newer,
            rows=rows,
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """The restore screen: what will change, then (POST) the restore itself."""
        article = self._article_or_404(request, object_id)
        if not permissions.may_restore(request.user, article):
            raise PermissionDenied
        version = history.version_of(article, version_id)
        if version is None:
            raise Http404("That article has no such version.")
        may_choose = permissions.may_restore(request.user, article, publication=True)
        form = RestoreForm(request.POST if request.method == "POST" else None)
        if not may_choose:
            del form.fields["publication"]
        if form.is_bound and form.is_valid():
            try:
                services.restore_version(
                    article, version, user=request.user, publication=form.cleaned_data.get("publication", False)
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, f"Restored the version of {history.describe(version)}.", messages.SUCCESS)
                return HttpResponseRedirect(self._url("change", quote(article.pk)))
        plan = restore.restore_plan(article, version)
        return self._page(
            request,
            "restore.html",
            article,
            title=f"Restore “{article}” to the version of {history.describe(version)}",
            plan=plan,
            form=form,
            may_choose=may_choose,
            is_public=article.is_public,
        )

    def recoverlist_view(self, request, extra_context=None):
        if not permissions.may_recover(request.user):
            raise PermissionDenied
        context = {"title": "Recover deleted articles", **(extra_context or {})}
        return super().recoverlist_view(request, context)

    def recover_view(self, request, version_id, extra_context=None):
        """A deleted article as it was, then (POST) brought back as a draft."""
        if not permissions.may_recover(request.user):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_deleted(Article), pk=version_id)
        if request.method == "POST":
            try:
                article = services.recover_article(version, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, f"“{article}” is back, as a draft.", messages.SUCCESS)
                return HttpResponseRedirect(self._url("change", quote(article.pk)))
        snapshot = history.of_version(version)
        return self._page(
            request, "recover.html", title=f"Recover “{version.object_repr}”", lines=snapshot.lines(), version=version
        )

    def retract_view(self, request, object_id, correction_id):
        """Withdraw a published correction: it stays on the article with a public note saying why."""
        article = self._article_or_404(request, object_id)
        if not permissions.may_publish(request.user):
            raise PermissionDenied
        correction = get_object_or_404(Correction, pk=correction_id, article=article)
        form = RetractForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                services.retract_correction(correction, form.cleaned_data["reason"], user=request.user)
            except ValidationError as error:
                form.add_error("reason", error)
            else:
                self.message_user(request, "The correction is retracted; readers see why.", messages.SUCCESS)
                return HttpResponseRedirect(self._url("change", quote(article.pk)))
        return self._page(
            request, "retract.html", article, title=f"Retract a {correction.kind}", correction=correction, form=form
        )
