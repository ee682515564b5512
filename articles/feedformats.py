"""The three feed formats, as generators for Django's syndication framework (django.utils.feedgenerator).

Every feed class in articles.feeds hands these the same plain-text values (headline, dek, names) plus
``item_extra_kwargs``: ``content_html`` (sanitized HTML with absolute URLs), ``summary`` (plain text),
``language`` (a BCP 47 code) and ``authors`` (a list of ``(name, url)``). Each format escapes what it
must, so the same literal text reaches every reader:

- RSS 2.0 (https://www.rssboard.org/rss-specification): title and description are read as HTML by
  most readers (feedparser guesses HTML once it sees markup), so both are HTML-escaped; the full
  text is ``content:encoded`` (RSS content module), the update time ``atom:updated``.
- Atom 1.0 (RFC 4287): titles are ``type="text"``, summary and content ``type="html"``; every
  entry has an author, an ``id``, ``updated`` and ``xml:lang``.
- JSON Feed 1.1 (https://jsonfeed.org/version/1.1): plain JSON, ``content_html`` or ``content_text``.
"""

import html
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed, rfc3339_date

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"


def _html_text(text):
    """Plain text as HTML that shows exactly that text."""
    return html.escape(text, quote=False) if text else text


class RssFeed(Rss201rev2Feed):
    def __init__(self, title, link, description, **kwargs):
        super().__init__(_html_text(title), link, _html_text(description), **kwargs)

    def add_item(self, title, link, description, **kwargs):
        super().add_item(_html_text(title), link, _html_text(description), **kwargs)

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])
        if item.get("updateddate"):
            # RSS has no update time of its own; feed readers read Atom's (feedparser: entry.updated).
            handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))


class AtomFeed(Atom1Feed):
    def item_attributes(self, item):
        return {"xml:lang": item["language"]} if item.get("language") else {}

    def add_item_elements(self, handler, item):
        handler.addQuickElement("title", item["title"])
        handler.addQuickElement("link", "", {"href": item["link"], "rel": "alternate"})
        handler.addQuickElement("id", item["unique_id"])
        if item["pubdate"] is not None:
            handler.addQuickElement("published", rfc3339_date(item["pubdate"]))
        handler.addQuickElement("updated", rfc3339_date(item["updateddate"] or item["pubdate"]))
        for name, url in item.get("authors") or [(item["author_name"], item["author_link"])]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            if url:
                handler.addQuickElement("uri", url)
            handler.endElement("author")
        if item["description"]:
            handler.addQuickElement("summary", _html_text(item["description"]), {"type": "html"})
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})
        for category in item["categories"]:
            handler.addQuickElement("category", "", {"term": category})


class JsonFeed(SyndicationFeed):
    """JSON Feed 1.1. ``write`` gives UTF-8 JSON with the required version, title and items."""

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.feed["title"],
            "home_page_url": self.feed["link"],
            "feed_url": self.feed["feed_url"],
            "description": self.feed["description"],
            "language": self.feed["language"],
            "authors": [{"name": self.feed["author_name"], "url": self.feed["author_link"]}],
        }
        feed = {**_without_empty(feed), "items": [self._item(item) for item in self.items]}  # required, even empty
        text = json.dumps(feed, cls=DjangoJSONEncoder, ensure_ascii=False)
        outfile.write(text.encode(encoding))

    def _item(self, item):
        updated = item["updateddate"] or item["pubdate"]
        return _without_empty(
            {
                "id": item["unique_id"],
                "url": item["link"],
                "title": item["title"],
                "summary": item.get("summary") or item["description"],
                "content_html": item.get("content_html"),
                "content_text": None if item.get("content_html") else (item["description"] or item["title"]),
                "date_published": item["pubdate"] and rfc3339_date(item["pubdate"]),
                "date_modified": updated and rfc3339_date(updated),
                "authors": [
                    _without_empty({"name": name, "url": url})
                    for name, url in (item.get("authors") or [(item["author_name"], item["author_link"])])
                ],
                "tags": list(item["categories"]),
                "language": item.get("language"),
            }
        )


def _without_empty(mapping):
    """JSON Feed leaves out what is unknown rather than sending null or an empty list."""
    return {key: value for key, value in mapping.items() if value not in (None, "", [], ())}
