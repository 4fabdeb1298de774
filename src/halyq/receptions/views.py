"""Public and citizens' pages: upcoming receptions, one reception's free times, my bookings.

Nothing here shows who booked what, except a citizen's own bookings to that citizen.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from halyq.core.exceptions import PublicBadRequest
from halyq.directory.models import Person
from halyq.receptions import selectors, services
from halyq.receptions.forms import BookingForm, ReceptionFilterForm, apply_service_errors
from halyq.receptions.models import Booking, Reception


def _bad_filters(form) -> PublicBadRequest:
    problems = "; ".join(
        f"{form.fields[name].label or name}: {' '.join(errors)}"
        for name, errors in form.errors.items()
    )
    return PublicBadRequest(_("Check the filters: %(problems)s") % {"problems": problems})


def reception_list(request):
    form = ReceptionFilterForm(request.GET)
    if not form.is_valid():
        raise _bad_filters(form)
    filters = form.cleaned_data
    person = None
    if filters["person"]:
        person = Person.objects.filter(public_id=filters["person"]).first()
        if person is None:
            raise Http404
    receptions = selectors.reception_list_upcoming(
        region=filters["region"], office=filters["office"], person_public_id=filters["person"]
    )
    paginator = Paginator(receptions, settings.HALYQ_PAGE_SIZE)
    page_number = filters["page"] or 1
    if page_number > max(paginator.num_pages, 1):
        raise Http404
    return render(
        request,
        "receptions/reception_list.html",
        {"form": form, "page": paginator.page(page_number), "person": person},
    )


def _public_reception(pk: int) -> Reception:
    try:
        return selectors.reception_get_public(reception_id=pk)
    except Reception.DoesNotExist as missing:
        raise Http404 from missing


def _detail(request, reception: Reception, form: BookingForm | None = None, *, status: int = 200):
    slots = selectors.reception_slots(reception=reception, user=request.user)
    mine = next((slot for slot in slots if slot["mine"]), None)
    free = [slot for slot in slots if not slot["taken"] and not slot["past"]]
    return render(
        request,
        "receptions/reception_detail.html",
        {
            "reception": reception,
            "slots": slots,
            "free_count": len(free),
            "mine": mine,
            "form": form or BookingForm(reception=reception),
            "can_book": request.user.has_perm("receptions.book_online"),
            "can_see_visitors": request.user.has_perm(
                "receptions.view_reception_bookings", reception
            ),
        },
        status=status,
    )


def reception_detail(request, pk: int):
    return _detail(request, _public_reception(pk))


@require_POST
def reception_book(request, pk: int):
    reception = _public_reception(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("receptions:detail", kwargs={"pk": pk}))
    form = BookingForm(request.POST, reception=reception)
    if form.is_valid():
        try:
            booking = services.booking_create(
                citizen=request.user,
                reception=reception,
                slot_start=form.cleaned_data["slot"],
                topic=form.cleaned_data["topic"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("You are booked for %(time)s. We have sent a confirmation to your email.")
                % {"time": booking.slot_start.strftime("%H:%M")},
            )
            return redirect("receptions:my_bookings")
    # Re-read the counts: the refusal may be that the slot was taken a moment ago.
    return _detail(request, _public_reception(pk), form)


def my_bookings(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    bookings = list(selectors.booking_list_for_citizen(user=request.user)[:200])
    for booking in bookings:
        booking.can_cancel = request.user.has_perm("receptions.cancel_booking", booking) and (
            booking.status == Booking.Status.BOOKED
            and booking.reception.status == Reception.Status.SCHEDULED
            and not _started(booking)
        )
    return render(request, "receptions/my_bookings.html", {"bookings": bookings})


def _started(booking: Booking) -> bool:
    from datetime import datetime

    from django.utils import timezone

    start = timezone.make_aware(datetime.combine(booking.reception.date, booking.slot_start))
    return start <= timezone.now()


@require_POST
def booking_cancel(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("receptions:my_bookings"))
    try:
        booking = selectors.booking_get(user=request.user, booking_id=pk)
    except Booking.DoesNotExist as missing:
        raise Http404 from missing
    try:
        services.booking_cancel(actor=request.user, booking=booking)
    except PermissionDenied as denied:
        raise Http404 from denied
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The booking is cancelled; the time is free for others."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("receptions:my_bookings")
    return redirect(target)
