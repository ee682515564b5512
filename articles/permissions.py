"""Who may publish, and who may edit which article. The admin, its forms and its actions ask here."""

from django.db import models
from django.db.models import Q

from .models import Article

# The states a reporter may put an article in, and the only ones in which it stays theirs to edit.
UNPUBLISHED = (Article.Status.DRAFT, Article.Status.REVIEW)


def may_publish(user):
    """Publish, schedule and unpublish articles, edit anyone's, add and retract corrections, merge tags and sources."""
    return user.has_perm("articles.publish_article")


def may_edit(user, article=None):
    """Whether ``user`` may change ``article`` (as stored, not as posted), or articles at all when None."""
    if not user.has_perm("articles.change_article"):
        return False
    if article is None or may_publish(user):
        return True
    return article.created_by_id == user.pk and article.status in UNPUBLISHED


def may_view(user, article=None):
    if not user.has_perm("articles.view_article") and not user.has_perm("articles.change_article"):
        return False
    return article is None or may_publish(user) or article.created_by_id == user.pk


class DeskAction(models.TextChoices):
    """The buttons of the article form that change where an article stands (labels as shown)."""

    SUBMIT = "submit", "Submit for review"
    PUBLISH = "publish", "Publish now"
    SCHEDULE = "schedule", "Schedule…"
    UNPUBLISH = "unpublish", "Unpublish"


def desk_actions(user, article=None):
    """The DeskActions ``user`` may take on ``article`` as stored (None or unsaved: a new article).

    A reporter submits their own draft for review; an editor publishes or schedules anything not yet
    public (scheduling a scheduled article moves it) and unpublishes what is published or scheduled.
    """
    if article is not None and article.pk is None:
        article = None  # the add form's article: a new draft
    if not may_edit(user, article):
        return []
    status = article.status if article is not None else Article.Status.DRAFT
    if not may_publish(user):
        return [DeskAction.SUBMIT] if status == Article.Status.DRAFT else []
    actions = [] if article is not None and article.is_public else [DeskAction.PUBLISH]
    actions.append(DeskAction.SCHEDULE)
    if status == Article.Status.PUBLISHED:
        actions.append(DeskAction.UNPUBLISH)
    return actions


def may_restore(user, article, *, publication=False):
    """Restore an older version's text and metadata: whoever may edit ``article`` now.

    Restoring its publication state too (status, publication time, address) is publishing: editors only.
    """
    return may_edit(user, article) and (not publication or may_publish(user))


def may_recover(user):
    """Bring back a deleted article, or list the deleted ones: editors only (a reporter would see others' drafts)."""
    return may_publish(user) and user.has_perm("articles.add_article")


def may_change_image(user, image=None):
    """Change a library picture (its file, alt text, caption, credit, focal point): editors any; a reporter only
    one they uploaded that no published or scheduled article shows, as featured image or in its body.

    What a published story shows is published text: a reporter may not edit it there, so not here either.
    """
    if not user.has_perm("images.change_image"):
        return False
    if image is None or may_publish(user):
        return True
    if image.uploaded_by_id != user.pk:
        return False
    shown = Q(featured_image=image)
    if image.file.name:
        shown |= Q(body__contains=image.file.name)
    return not Article.objects.released().filter(shown).exists()
