"""Staff pages: the operator's offices, one reception's visitors, the deputy's own receptions.

Reach comes from `receptions.rules` through the selectors: an office or reception
outside it is a 404. One reception page serves everyone with a staff relation; what
it lets them *do* (book a visitor, mark attendance, mark held, cancel) is asked of the
rules, so the receiving deputy sees the same page read-only.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from halyq.appeals.models import ReceptionOffice
from halyq.core.exceptions import PublicBadRequest
from halyq.receptions import selectors, services
from halyq.receptions.forms import (
    AttendanceForm,
    CancelReceptionForm,
    LinkAppealForm,
    ScheduleForm,
    VersionForm,
    VisitorBookingForm,
    apply_service_errors,
)
from halyq.receptions.models import Booking, Reception

# The appeals app's operator intake page. The query parameters are named after its
# form's fields (office, addressed_person, channel: primary keys and the channel code)
# so it can use them as initial values; `reception_booking` lets it link the appeal
# back to this visit with `receptions.services.booking_link_appeal` once registered.
APPEAL_INTAKE_URL_NAME = "appeals:register"


def _signed_in(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def workspace(request):
    if (login := _signed_in(request)) is not None:
        return login
    offices = list(selectors.office_list_managed(user=request.user))
    is_person = request.user.has_perm("receptions.view_own_receptions")
    if not offices and not is_person:
        raise Http404
    return render(
        request, "receptions/workspace.html", {"offices": offices, "is_person": is_person}
    )


def office_page(request, slug: str):
    if (login := _signed_in(request)) is not None:
        return login
    try:
        office = selectors.office_get_managed(user=request.user, slug=slug)
    except ReceptionOffice.DoesNotExist as missing:
        raise Http404 from missing
    form = ScheduleForm(office=office)
    if request.method == "POST":
        form = ScheduleForm(request.POST, office=office)
        if form.is_valid():
            try:
                reception = services.reception_schedule(
                    actor=request.user, office=office, **form.cleaned_data
                )
            except PermissionDenied as denied:
                raise Http404 from denied
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Reception scheduled: %(slots)s visitor times, open for booking now.")
                    % {"slots": reception.slot_count},
                )
                return redirect("receptions:office", slug=office.slug)
    today = timezone.localdate()
    receptions = selectors.reception_list_for_staff(
        user=request.user, office=office, since=today - timedelta(days=60)
    ).order_by("date", "start_time", "id")
    receptions = list(receptions[:300])
    return render(
        request,
        "receptions/office.html",
        {
            "office": office,
            "form": form,
            "upcoming": [r for r in receptions if r.date >= today and r.is_scheduled],
            "to_decide": [r for r in receptions if r.date < today and r.is_scheduled],
            "decided": [r for r in receptions if not r.is_scheduled][::-1],
        },
    )


def _staff_reception(request, pk: int) -> Reception:
    try:
        return selectors.reception_get_for_staff(user=request.user, reception_id=pk)
    except Reception.DoesNotExist as missing:
        raise Http404 from missing


def appeal_intake_url(reception: Reception, booking: Booking) -> str:
    """The appeals intake page prefilled for this visit, or "" if that page does not exist.

    Only identifiers travel in the address: never the visitor's name or phone, which
    would land in server logs.
    """
    try:
        base = reverse(APPEAL_INTAKE_URL_NAME)
    except NoReverseMatch:
        return ""
    query = {
        "office": reception.office_id,
        "addressed_person": reception.person_id,
        "channel": "walk_in",
        "reception_booking": booking.pk,
    }
    return f"{base}?{urlencode(query)}"


def _attempt(request, form, call, success: str) -> bool:
    """Validate `form`, run the service `call` with its data; errors go on the form."""
    if not form.is_valid():
        return False
    try:
        result = call(form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return False
    messages.success(request, success % {"number": getattr(result, "number", "")})
    return True


def _book_visitor(request, reception, forms) -> bool:
    form = forms["visitor"] = VisitorBookingForm(request.POST, reception=reception)
    return _attempt(
        request,
        form,
        lambda data: services.booking_create_for_visitor(
            operator=request.user,
            reception=reception,
            slot_start=data["slot"],
            visitor_name=data["visitor_name"],
            visitor_phone=data["visitor_phone"],
            topic=data["topic"],
        ),
        _("The visitor is booked."),
    )


def _mark_held(request, reception, forms) -> bool:
    form = forms["held"] = VersionForm(request.POST)
    return _attempt(
        request,
        form,
        lambda data: services.reception_mark_held(
            actor=request.user, reception=reception, expected_version=data["version"]
        ),
        _("The reception is recorded as held."),
    )


def _cancel(request, reception, forms) -> bool:
    form = forms["cancel"] = CancelReceptionForm(request.POST)
    return _attempt(
        request,
        form,
        lambda data: services.reception_cancel(
            actor=request.user,
            reception=reception,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        _("The reception is cancelled; booked citizens are told by email."),
    )


def _posted_booking(request, reception) -> Booking:
    booking_id = request.POST.get("booking", "")
    booking = (
        reception.bookings.filter(pk=int(booking_id)).first() if booking_id.isdigit() else None
    )
    if booking is None:
        raise Http404
    return booking


def _attendance(request, reception, forms) -> bool:
    booking = _posted_booking(request, reception)
    form = AttendanceForm(request.POST)
    forms["booking_errors"] = {booking.pk: form}
    return _attempt(
        request,
        form,
        lambda data: services.booking_mark_attendance(
            actor=request.user, booking=booking, attended=data["attended"]
        ),
        _("Attendance is recorded."),
    )


def _link_appeal(request, reception, forms) -> bool:
    booking = _posted_booking(request, reception)
    form = LinkAppealForm(request.POST)
    forms["booking_errors"] = {booking.pk: form}
    return _attempt(
        request,
        form,
        lambda data: services.booking_link_appeal(
            actor=request.user, booking=booking, appeal_number=data["number"]
        ),
        _("Appeal %(number)s is linked to this visit."),
    )


ACTIONS = {
    "visitor": _book_visitor,
    "held": _mark_held,
    "cancel": _cancel,
    "attendance": _attendance,
    "appeal": _link_appeal,
}


def _act(request, reception: Reception, forms: dict) -> bool:
    """Run the POSTed action: True when done, False when refused (errors put on `forms`)."""
    handler = ACTIONS.get(request.POST.get("action", ""))
    if handler is None:
        raise PublicBadRequest(_("Unknown action."))
    try:
        return handler(request, reception, forms)
    except PermissionDenied as denied:
        raise Http404 from denied


def reception_manage(request, pk: int):
    if (login := _signed_in(request)) is not None:
        return login
    reception = _staff_reception(request, pk)
    forms: dict = {}
    if request.method == "POST":
        if not request.user.has_perm("receptions.change_reception", reception):
            raise Http404
        if _act(request, reception, forms):
            return redirect("receptions:manage", pk=reception.pk)
        reception = _staff_reception(request, pk)
    bookings = list(selectors.booking_list_for_reception(user=request.user, reception=reception))
    can_change = request.user.has_perm("receptions.change_reception", reception)
    booking_errors = forms.get("booking_errors", {})
    for booking in bookings:
        citizen = booking.citizen
        booking.contact_name = booking.visitor_name or (citizen.display_name if citizen else "")
        booking.contact_phone = booking.visitor_phone or (citizen.phone if citizen else "")
        booking.errors_form = booking_errors.get(booking.pk)
        booking.intake_url = (
            appeal_intake_url(reception, booking)
            if can_change and booking.status == Booking.Status.ATTENDED
            else ""
        )
    version = {"version": reception.version}
    return render(
        request,
        "receptions/manage.html",
        {
            "reception": reception,
            "bookings": bookings,
            "can_change": can_change,
            "today": timezone.localdate(),
            "visitor_form": forms.get("visitor") or VisitorBookingForm(reception=reception),
            "held_form": forms.get("held") or VersionForm(initial=version),
            "cancel_form": forms.get("cancel") or CancelReceptionForm(initial=version),
            "unmarked": sum(1 for b in bookings if b.status == Booking.Status.BOOKED),
        },
    )


_SPREADSHEET_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    # A cell starting with a formula character would run as a formula in a spreadsheet.
    text = str(value or "")
    return "'" + text if text.startswith(_SPREADSHEET_TRIGGERS) else text


def reception_export(request, pk: int):
    if (login := _signed_in(request)) is not None:
        return login
    reception = _staff_reception(request, pk)
    if not request.user.has_perm("receptions.export_reception", reception):
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="reception-{reception.date.isoformat()}-{reception.pk}.csv"'
    )
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")  # so spreadsheet programs read the Cyrillic correctly
    writer = csv.writer(response)
    writer.writerow([_("Time"), _("Name"), _("Phone"), _("What about"), _("Status"), _("Channel")])
    for booking in selectors.booking_list_for_reception(user=request.user, reception=reception):
        citizen = booking.citizen
        writer.writerow(
            [
                booking.slot_start.strftime("%H:%M"),
                _cell(booking.visitor_name or (citizen.display_name if citizen else "")),
                _cell(booking.visitor_phone or (citizen.phone if citizen else "")),
                _cell(booking.topic),
                booking.get_status_display(),
                booking.get_channel_display(),
            ]
        )
    return response


def deputy_receptions(request):
    if (login := _signed_in(request)) is not None:
        return login
    if not request.user.has_perm("receptions.view_own_receptions"):
        raise Http404
    today = timezone.localdate()
    receptions = list(
        selectors.reception_list_for_staff(
            user=request.user, own_only=True, since=today - timedelta(days=366)
        ).order_by("-date", "-start_time")[:400]
    )
    return render(
        request,
        "receptions/deputy.html",
        {
            "upcoming": [r for r in receptions if r.date >= today and r.is_scheduled][::-1],
            "past": [r for r in receptions if not (r.date >= today and r.is_scheduled)],
            "person": request.user.person,
            "held": sum(1 for r in receptions if r.status == Reception.Status.HELD),
            "attended": sum(
                r.attended_count or 0 for r in receptions if r.status == Reception.Status.HELD
            ),
        },
    )
