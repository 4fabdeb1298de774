from django.shortcuts import render
from django.utils.translation import gettext as _

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
