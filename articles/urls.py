from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path, register_converter

from frontpage.views import FrontPageView, SectionFrontView

from . import feeds, views
from .converters import UnicodeSlugConverter
from .preview import SharePreviewView
from .sitemaps import SITEMAPS, news_sitemap

register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"

urlpatterns = [
    path("", FrontPageView.as_view(), name="home"),
    path("articles/<uslug:slug>/", views.ArticleDetailView.as_view(), name="article"),
    path("preview/<str:token>/", SharePreviewView.as_view(), name="share_preview"),
    path("sections/<uslug:slug>/", SectionFrontView.as_view(), name="section"),
    path("tags/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("sources/<uslug:slug>/", views.SourceView.as_view(), name="source"),
    path("authors/<uslug:slug>/", views.AuthorView.as_view(), name="author"),
    re_path(r"^archive/(?P<year>[0-9]{4})/$", views.YearArchiveView.as_view(), name="archive_year"),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$", views.MonthArchiveView.as_view(), name="archive_month"
    ),
    path("search/", views.SearchView.as_view(), name="search"),
    # Feeds: the site's, each section's, tag's, source's and author's, and the corrections.
    path("feeds/rss/", feeds.ArticleFeed(), name="site_rss"),
    path("feeds/atom/", feeds.ArticleAtomFeed(), name="site_atom"),
    path("feed.json", feeds.json_feed, name="site_json"),
    path("feeds/sections/<uslug:slug>/rss/", feeds.SectionFeed(), name="section_rss"),
    path("feeds/sections/<uslug:slug>/atom/", feeds.SectionAtomFeed(), name="section_atom"),
    path("feeds/tags/<uslug:slug>/rss/", feeds.TagFeed(), name="tag_rss"),
    path("feeds/tags/<uslug:slug>/atom/", feeds.TagAtomFeed(), name="tag_atom"),
    path("feeds/sources/<uslug:slug>/rss/", feeds.SourceFeed(), name="source_rss"),
    path("feeds/sources/<uslug:slug>/atom/", feeds.SourceAtomFeed(), name="source_atom"),
    path("feeds/authors/<uslug:slug>/rss/", feeds.AuthorFeed(), name="author_rss"),
    path("feeds/authors/<uslug:slug>/atom/", feeds.AuthorAtomFeed(), name="author_atom"),
    path("feeds/corrections/rss/", feeds.CorrectionsFeed(), name="corrections_rss"),
    path("feeds/corrections/atom/", feeds.CorrectionsAtomFeed(), name="corrections_atom"),
    # For search engines.
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS, "template_name": "sitemaps/sitemap.xml"}, name="sitemap"),
    path("news-sitemap.xml", news_sitemap, name="news_sitemap"),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
]
