from django.contrib.sitemaps.views import sitemap
from django.urls import path

from halyq.news import feeds, sitemaps, staff_views, views

app_name = "news"

urlpatterns = [
    path("", views.index, name="index"),
    path("most-read/", views.most_read_page, name="most_read"),
    path("feed/rss/", feeds.ArticleRssFeed(), name="feed_rss"),
    path("feed/atom/", feeds.ArticleAtomFeed(), name="feed_atom"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"news": sitemaps.ArticleSitemap}},
        name="sitemap",
    ),
    path("category/<slug:category_slug>/", views.index, name="category"),
    path("category/<slug:slug>/feed/rss/", feeds.ArticleRssFeed(), name="category_feed_rss"),
    path("category/<slug:slug>/feed/atom/", feeds.ArticleAtomFeed(), name="category_feed_atom"),
    path("tag/<slug:tag_slug>/", views.index, name="tag"),
    path("comments/<int:pk>/report/", views.comment_report, name="comment_report"),
    path("staff/", staff_views.article_list, name="staff_list"),
    path("staff/new/", staff_views.article_create, name="staff_create"),
    path("staff/<int:pk>/edit/", staff_views.article_edit, name="staff_edit"),
    path("staff/<int:pk>/publish/", staff_views.article_publish, name="staff_publish"),
    path("staff/<int:pk>/unpublish/", staff_views.article_unpublish, name="staff_unpublish"),
    path("staff/comments/", staff_views.moderation, name="moderation"),
    path(
        "staff/comments/<int:pk>/decide/", staff_views.moderation_decide, name="moderation_decide"
    ),
    path("<slug:slug>/", views.article_detail, name="article"),
    path("<slug:slug>/comments/", views.comment_create, name="comment_create"),
    path("<slug:slug>/react/", views.reaction, name="react"),
]
