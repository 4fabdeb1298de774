from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.i18n import set_language

from halyq.directory import selectors as directory_selectors


def home(request):
    return render(request, "core/home.html", {"overview": directory_selectors.overview()})


def bad_request(request, exception=None):
    return _error(request, 400, _("The request could not be understood"), exception)


def permission_denied(request, exception=None):
    return _error(request, 403, _("You do not have access to this page"), None)


def page_not_found(request, exception=None):
    return _error(request, 404, _("Page not found"), None)


def server_error(request):
    return _error(request, 500, _("Something went wrong on our side"), None)


def _error(request, status, title, exception):
    # Only our own messages (raised as BadRequest with a translated text) are shown;
    # Django's internal exception texts can mention paths or settings.
    detail = (
        str(exception)
        if status == 400 and exception and getattr(exception, "public", False)
        else ""
    )
    return render(
        request,
        "core/error.html",
        {"status": status, "title": title, "detail": detail},
        status=status,
    )


def language_set(request):
    """Django's `set_language`, reading `next` in the language its own path is in.

    Django translates `next` by resolving it in the *active* language, which on this
    URL comes from the cookie, not from the page the reader was on: switching from a
    `/kk/...` page while the cookie still said Russian sent the reader back to the
    Kazakh page. Resolving `next` in its own language makes every direction work.
    """
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    page_language = translation.get_language_from_path(urlsplit(next_url).path)
    with translation.override(page_language or settings.LANGUAGE_CODE):
        return set_language(request)
