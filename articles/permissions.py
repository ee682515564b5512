"""Who may publish, and who may edit which article. The admin, its forms and its actions ask here."""

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


def may_restore(user, article, *, publication=False):
    """Restore an older version's text and metadata: whoever may edit ``article`` now.

    Restoring its publication state too (status, publication time, address) is publishing: editors only.
    """
    return may_edit(user, article) and (not publication or may_publish(user))


def may_recover(user):
    """Bring back a deleted article, or list the deleted ones: editors only (a reporter would see others' drafts)."""
    return may_publish(user) and user.has_perm("articles.add_article")
