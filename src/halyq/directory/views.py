from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from halyq.core.exceptions import PublicBadRequest
from halyq.directory import selectors
from halyq.directory.forms import PeopleFilterForm
from halyq.directory.models import Person


def person_list(request):
    form = PeopleFilterForm(request.GET)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label or name}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
        raise PublicBadRequest(_("Check the search filters: %(problems)s") % {"problems": problems})
    filters = form.cleaned_data
    people = selectors.person_list(
        query=filters["q"],
        region=filters["region"],
        organization=filters["organization"],
        kind=filters["kind"],
    )
    paginator = Paginator(people, settings.HALYQ_PAGE_SIZE)
    page_number = filters["page"] or 1
    if page_number > max(paginator.num_pages, 1):
        raise Http404
    page = paginator.page(page_number)
    return render(request, "directory/person_list.html", {"form": form, "page": page})


def person_detail(request, public_id):
    try:
        person = selectors.person_get(public_id=public_id)
    except Person.DoesNotExist as missing:
        raise Http404 from missing
    memberships = list(person.memberships.all())
    return render(
        request,
        "directory/person_detail.html",
        {
            "person": person,
            "current": [m for m in memberships if m.end_date is None],
            "past": [m for m in memberships if m.end_date is not None],
        },
    )
