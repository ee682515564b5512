"""Scenarios several test modules share."""

from tests.factories import BackgroundNoteFactory, BylineFactory, FullArticleFactory


def public_and_draft():
    """A public article and a draft whose byline and background note must never reach a reader."""
    public = FullArticleFactory(headline="Public story")
    draft = FullArticleFactory(headline="Secret draft", draft=True)
    BylineFactory(article=draft, author__name="Undercover Source", order=9)
    BackgroundNoteFactory(article=draft, text="EMBARGOED: the minister resigns on Friday.")
    return public, draft
