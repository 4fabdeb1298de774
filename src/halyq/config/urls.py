"""Every route of the site; each app owns its own `urls.py` (pages) and `api.py` (API)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from halyq.appeals import views as appeals_views
from halyq.core import views as core_views

urlpatterns = [
    # Django's own view, wrapped so that switching works from every language's pages.
    path("i18n/setlang/", core_views.language_set, name="set_language"),
    # A visitor's link in a text message: short, without a language.
    path("v/<str:token>", appeals_views.visitor_link, name="visitor_link"),
    path("api/", include("halyq.api.urls")),
    path("open311/v2/", include("halyq.api.open311_urls")),
]

urlpatterns += i18n_patterns(
    path("", include("halyq.core.urls")),
    path("people/", include("halyq.directory.urls")),
    path("accounts/", include("halyq.accounts.urls")),
    path("", include("halyq.appeals.urls")),
    path("receptions/", include("halyq.receptions.urls")),
    path("rating/", include("halyq.ratings.urls")),
    path("programmes/", include("halyq.programmes.urls")),
    path("open-data/", include("halyq.opendata.urls")),
    path("news/", include("halyq.news.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

handler400 = "halyq.core.views.bad_request"
handler403 = "halyq.core.views.permission_denied"
handler404 = "halyq.core.views.page_not_found"
handler500 = "halyq.core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
