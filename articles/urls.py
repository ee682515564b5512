from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path, register_converter

from frontpage.views import FrontPageView, SectionFrontView

from . import feeds, sitemaps, views
from .converters import UnicodeSlugConverter
from .preview import SharePreviewView
from .redirects import follow_old_slugs

register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"

FEED_FORMATS = ("rss", "atom", "json")  # the order of feeds.FEEDS
OBJECT_FEEDS = {"section": "sections", "tag": "tags", "source": "sources", "author": "authors"}

urlpatterns = [
    path("", FrontPageView.as_view(), name="home"),
    path("articles/<uslug:slug>/", follow_old_slugs("article", views.ArticleDetailView.as_view()), name="article"),
    path("preview/<str:token>/", SharePreviewView.as_view(), name="share_preview"),
    path("sections/<uslug:slug>/", follow_old_slugs("section", SectionFrontView.as_view()), name="section"),
    path("tags/<uslug:slug>/", follow_old_slugs("tag", views.TagView.as_view()), name="tag"),
    path("sources/<uslug:slug>/", follow_old_slugs("source", views.SourceView.as_view()), name="source"),
    path("authors/<uslug:slug>/", follow_old_slugs("author", views.AuthorView.as_view()), name="author"),
    re_path(r"^archive/(?P<year>[0-9]{4})/$", views.YearArchiveView.as_view(), name="archive_year"),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$", views.MonthArchiveView.as_view(), name="archive_month"
    ),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    # Feeds, each in RSS, Atom and JSON Feed: the site's, the corrections, and each section's, tag's,
    # source's and author's (whose old slugs redirect like their pages').
    path("feed.json", feeds.ArticleJsonFeed(), name="site_json"),
    *(
        path(f"feeds/{fmt}/", feed(), name=f"site_{fmt}")
        for fmt, feed in zip(FEED_FORMATS, feeds.FEEDS["site"], strict=True)
        if fmt != "json"
    ),
    *(
        path(f"feeds/corrections/{fmt}/", feed(), name=f"corrections_{fmt}")
        for fmt, feed in zip(FEED_FORMATS, feeds.FEEDS["corrections"], strict=True)
    ),
    *(
        path(f"feeds/{plural}/<uslug:slug>/{fmt}/", follow_old_slugs(kind, feed()), name=f"{kind}_{fmt}")
        for kind, plural in OBJECT_FEEDS.items()
        for fmt, feed in zip(FEED_FORMATS, feeds.FEEDS[kind], strict=True)
    ),
    # For search engines and browsers.
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": sitemaps.SITEMAPS, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap_section",
    ),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
    path("favicon.ico", views.StaticFileRedirect.as_view(file="favicon.ico"), name="favicon"),
    path("apple-touch-icon.png", views.StaticFileRedirect.as_view(file="img/apple-touch-icon.png")),
    path("apple-touch-icon-precomposed.png", views.StaticFileRedirect.as_view(file="img/apple-touch-icon.png")),
]
