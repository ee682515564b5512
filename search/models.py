"""The search index's own table: one row per article, drafts included (the desk searches them too).

Readers' visibility is decided at query time, never by a job: each entry keeps a copy of when its article
becomes public (``public_since``, written with the entry on every save), compared with the time of the search,
and the page's articles are loaded through ``Article.objects.published()`` again.
"""

from django.db import models


class SearchEntry(models.Model):
    """The text of one article as search sees it: visible text only, never markup.

    The engine's tokens live beside it: in the FTS5 table ``search_fts`` on SQLite, in the ``document``
    and ``headline_document`` tsvector columns of this table on PostgreSQL (see ``search.engines``).
    """

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    language = models.CharField(max_length=12, help_text="The article's language when it was indexed.")
    meta = models.TextField(blank=True, help_text="Dek, section, tags, bylines and cited source names, one a line.")
    body = models.TextField(blank=True, help_text="The body's visible text (no markup), for snippets.")
    extra = models.TextField(blank=True, help_text="Background notes and corrections, one a line.")
    section = models.ForeignKey(
        "articles.Section",
        on_delete=models.CASCADE,  # never reached: an article's section is protected while it has articles
        null=True,
        related_name="+",
        db_index=False,  # never looked up by section: searches narrow by section through the articles
        help_text="The article's section when it was indexed, for the section facet.",
    )
    public_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When readers may see the article (Article.objects.published()): its publication time once an"
        " editor has published it, a future one while it is scheduled; empty for drafts and articles in review."
        " Copied with every indexing, so PostgreSQL reads the visible matches, newest first, from this table alone.",
    )
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article"]
        verbose_name_plural = "search entries"

    def __str__(self):
        return f"Search entry of article {self.article_id}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()
