"""Pages: public lists without citizen data, booking, my bookings, the office and deputy pages."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from halyq.integrity.models import LedgerEntry
from halyq.receptions.models import Booking, Reception
from tests import factories
from tests.receptions.factories import BookingFactory, ReceptionFactory, ReceptionOfficeFactory


def in_days(days):
    return timezone.localdate() + timedelta(days=days)


# --- public list ---------------------------------------------------------------------


def test_the_public_list_shows_upcoming_receptions_and_no_citizen_data(client, world, reception):
    BookingFactory(reception=reception, citizen=world.aigerim, topic="Secret topic")
    BookingFactory(
        reception=reception,
        citizen=None,
        visitor_name="Visitor Name",
        channel="operator",
        slot_start=time(10, 30),
    )
    ReceptionFactory(office=world.astana_office, person=world.alikhan, date=in_days(-3))  # past
    ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=in_days(9),
        status="cancelled",
        cancel_reason="illness",
    )
    response = client.get("/en/receptions/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nurlanov Alikhan" in text
    assert "Astana public reception" in text
    assert "2 free times" in text
    assert "1 upcoming reception" in text
    for private in ("Aigerim", "Secret topic", "Visitor Name", "aigerim@example.kz"):
        assert private not in text


def test_the_list_filters_by_region_office_and_person(client, world, reception):
    ReceptionFactory(office=world.almaty_office, person=world.gulnar)
    assert "Kassymova" not in client.get("/en/receptions/?region=71").content.decode()
    by_office = client.get("/en/receptions/?office=almaty-office").content.decode()
    assert "Kassymova" in by_office and "Nurlanov" not in by_office
    by_person = client.get(f"/en/receptions/?person={world.gulnar.public_id}").content.decode()
    assert "Receptions of Kassymova Gulnar" in by_person and "Nurlanov" not in by_person


@pytest.mark.parametrize(
    "query", ["region=99", "office=nowhere", "person=not-a-uuid", "page=0", "page=abc"]
)
def test_bad_filters_are_a_400_not_a_500(client, world, query):
    assert client.get(f"/en/receptions/?{query}").status_code == 400


def test_an_unknown_person_or_a_page_beyond_the_end_is_a_404(client, world):
    assert (
        client.get("/en/receptions/?person=6f1c1f1e-0000-4000-8000-000000000000").status_code == 404
    )
    assert client.get("/en/receptions/?page=5").status_code == 404


def test_the_list_needs_the_same_number_of_queries_for_more_rows(client, world):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en/receptions/").status_code == 200
        return len(queries)

    ReceptionFactory(office=world.astana_office, person=world.alikhan)
    few = count()
    for day in range(2, 12):
        office = ReceptionOfficeFactory()
        person = factories.PersonFactory()
        BookingFactory(reception=ReceptionFactory(office=office, person=person, date=in_days(day)))
    assert count() == few


# --- one reception and booking -------------------------------------------------------


def test_anonymous_visitors_see_the_times_and_a_sign_in_link(client, world, reception):
    BookingFactory(reception=reception, citizen=world.boris, slot_start=time(10, 30))
    text = client.get(f"/en/receptions/{reception.pk}/").content.decode()
    assert "Sign in to book a time" in text
    assert "10:30" in text and "taken" in text
    assert "Boris" not in text
    assert 'name="slot"' not in text


def test_an_unconfirmed_account_is_told_to_confirm(client, world, reception):
    client.force_login(world.unconfirmed)
    text = client.get(f"/en/receptions/{reception.pk}/").content.decode()
    assert "Confirm your email address to book online" in text


def test_a_citizen_books_through_the_page_and_gets_mail(
    client, world, reception, django_capture_on_commit_callbacks
):
    client.force_login(world.aigerim)
    page = client.get(f"/en/receptions/{reception.pk}/").content.decode()
    assert 'value="10:00"' in page and "Book this time" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/receptions/{reception.pk}/book/", {"slot": "10:30", "topic": "Roads"}
        )
    assert response.status_code == 302
    assert response["Location"] == "/en/receptions/my/"
    booking = Booking.objects.get()
    assert (booking.citizen, booking.slot_start, booking.topic) == (
        world.aigerim,
        time(10, 30),
        "Roads",
    )
    assert len(mail.outbox) == 1
    mine = client.get("/en/receptions/my/").content.decode()
    assert "Nurlanov Alikhan" in mine and "10:30" in mine and "Cancel this booking" in mine
    again = client.get(f"/en/receptions/{reception.pk}/").content.decode()
    assert "You are booked for 10:30." in again


def test_a_refused_booking_shows_why_and_changes_nothing(client, world, reception):
    BookingFactory(reception=reception, citizen=world.boris, slot_start=time(10, 0))
    client.force_login(world.aigerim)
    response = client.post(f"/en/receptions/{reception.pk}/book/", {"slot": "10:00"})
    assert response.status_code == 200
    assert "This time has just been taken by someone else" in response.content.decode()
    response = client.post(f"/en/receptions/{reception.pk}/book/", {"slot": "25:00"})
    assert "Choose one of the reception" in response.content.decode()
    assert Booking.objects.count() == 1


def test_booking_a_cancelled_reception_is_refused_on_the_page(client, world, reception):
    reception.status, reception.cancel_reason = "cancelled", "illness"
    reception.save()
    client.force_login(world.aigerim)
    text = client.get(f"/en/receptions/{reception.pk}/").content.decode()
    assert "This reception has been cancelled." in text
    response = client.post(f"/en/receptions/{reception.pk}/book/", {"slot": "10:00"})
    assert "This reception has been cancelled." in response.content.decode()
    assert not Booking.objects.exists()


def test_booking_needs_sign_in_and_an_unknown_reception_is_404(client, world, reception):
    response = client.post(f"/en/receptions/{reception.pk}/book/", {"slot": "10:00"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/en/receptions/999999/").status_code == 404
    assert client.get(f"/en/receptions/{reception.pk}/book/").status_code == 405


def test_my_bookings_lists_only_mine_and_cancels(client, world, reception):
    mine = BookingFactory(reception=reception, citizen=world.aigerim)
    BookingFactory(
        reception=reception, citizen=world.boris, slot_start=time(11, 0), topic="Boris topic"
    )
    client.force_login(world.aigerim)
    text = client.get("/en/receptions/my/").content.decode()
    assert "Boris topic" not in text
    response = client.post(f"/en/receptions/my/{mine.pk}/cancel/")
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "cancelled"
    assert "Cancel this booking" not in client.get("/en/receptions/my/").content.decode()


def test_cancel_redirects_only_to_this_site(client, world, reception):
    mine = BookingFactory(reception=reception, citizen=world.aigerim)
    client.force_login(world.aigerim)
    response = client.post(
        f"/en/receptions/my/{mine.pk}/cancel/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/en/receptions/my/"


def test_my_bookings_needs_sign_in(client, world):
    response = client.get("/en/receptions/my/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the office workspace ------------------------------------------------------------


def test_the_operator_schedules_from_the_office_page(client, world):
    client.force_login(world.operator)
    assert "Astana public reception" in client.get("/en/receptions/workspace/").content.decode()
    page = client.get("/en/receptions/workspace/office/astana-office/").content.decode()
    assert "Schedule a reception" in page and "Nurlanov" in page
    data = {
        "person": str(world.alikhan.public_id),
        "date": in_days(5).isoformat(),
        "start_time": "15:00",
        "end_time": "17:00",
        "slot_minutes": "30",
    }
    response = client.post("/en/receptions/workspace/office/astana-office/", data)
    assert response.status_code == 302
    reception = Reception.objects.get()
    assert (reception.slot_count, reception.scheduled_by) == (4, world.operator)
    # The same again overlaps: the refusal is shown on the form and nothing is added.
    response = client.post("/en/receptions/workspace/office/astana-office/", data)
    assert response.status_code == 200
    assert "already receives from 15:00 to 17:00" in response.content.decode()
    assert Reception.objects.count() == 1
    bad = client.post(
        "/en/receptions/workspace/office/astana-office/", {**data, "date": "yesterday"}
    )
    assert bad.status_code == 200 and Reception.objects.count() == 1


def test_the_operator_books_a_visitor_marks_attendance_and_holds(client, world, monkeypatch):
    from datetime import datetime

    from halyq.receptions import services

    today = timezone.localdate()
    monkeypatch.setattr(
        services, "_now", lambda: timezone.make_aware(datetime.combine(today, time(12, 30)))
    )
    reception = ReceptionFactory(office=world.astana_office, person=world.alikhan, date=today)
    client.force_login(world.operator)
    url = f"/en/receptions/workspace/reception/{reception.pk}/"
    response = client.post(
        url,
        {
            "action": "visitor",
            "slot": "10:30",
            "visitor_name": "Erzhan Saparov",
            "visitor_phone": "87012345678",
        },
    )
    assert response.status_code == 302  # a walk-in on the day may take a time already passed
    booking = Booking.objects.get()
    page = client.get(url).content.decode()
    assert "Erzhan Saparov" in page and "+77012345678" in page
    refused = client.post(url, {"action": "held", "version": reception.version})
    assert "Not marked yet: 1." in refused.content.decode()
    assert (
        client.post(
            url, {"action": "attendance", "booking": booking.pk, "attended": "yes"}
        ).status_code
        == 302
    )
    booking.refresh_from_db()
    assert booking.status == "attended"
    assert client.post(url, {"action": "held", "version": reception.version}).status_code == 302
    reception.refresh_from_db()
    assert (reception.status, reception.booked_count, reception.attended_count) == ("held", 1, 1)
    assert LedgerEntry.objects.filter(kind="reception.held").count() == 1
    assert "attendance-form" not in client.get(url).content.decode()  # attendance is frozen


def test_a_stale_version_is_shown_and_changes_nothing(client, world):
    reception = ReceptionFactory(office=world.astana_office, person=world.alikhan, date=in_days(-1))
    client.force_login(world.operator)
    response = client.post(
        f"/en/receptions/workspace/reception/{reception.pk}/",
        {"action": "cancel", "reason": "illness", "version": 0},
    )
    assert response.status_code == 200
    assert "Someone else has just changed this reception" in response.content.decode()
    reception.refresh_from_db()
    assert reception.status == "scheduled"


def test_unknown_actions_and_foreign_bookings_are_refused(client, world, reception):
    other = BookingFactory(
        reception=ReceptionFactory(
            office=world.astana_office, person=world.alikhan, date=in_days(1)
        )
    )
    client.force_login(world.operator)
    url = f"/en/receptions/workspace/reception/{reception.pk}/"
    assert client.post(url, {"action": "explode"}).status_code == 400
    assert (
        client.post(
            url, {"action": "attendance", "booking": other.pk, "attended": "yes"}
        ).status_code
        == 404
    )
    assert (
        client.post(url, {"action": "attendance", "booking": "x", "attended": "yes"}).status_code
        == 404
    )


def test_the_visitors_csv_escapes_formulas(client, world, reception):
    BookingFactory(
        reception=reception,
        citizen=None,
        channel="operator",
        visitor_name='=HYPERLINK("x")',
        visitor_phone="+77012345678",
        topic="@topic",
    )
    client.force_login(world.operator)
    response = client.get(f"/en/receptions/workspace/reception/{reception.pk}/visitors.csv")
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in body and "'@topic" in body and "+77012345678" in body


def test_the_deputy_sees_their_own_receptions_read_only(client, world):
    held = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=in_days(-10),
        status="held",
        booked_count=3,
        attended_count=2,
    )
    ReceptionFactory(office=world.astana_office, person=world.alikhan, date=in_days(4))
    ReceptionFactory(office=world.almaty_office, person=world.gulnar, date=in_days(4))
    client.force_login(world.deputy_user)
    text = client.get("/en/receptions/deputy/").content.decode()
    assert "2 came of 3 booked" in text
    assert "Kassymova" not in text
    manage = client.get(f"/en/receptions/workspace/reception/{held.pk}/").content.decode()
    assert "Record the reception as held" not in manage and "Book a visitor" not in manage
    assert client.get("/en/receptions/workspace/").status_code == 200  # a link to their page


def test_people_without_a_staff_role_have_no_workspace(client, world):
    client.force_login(world.aigerim)
    assert client.get("/en/receptions/workspace/").status_code == 404
    assert client.get("/en/receptions/deputy/").status_code == 404


def test_the_russian_and_kazakh_pages_render(client, world, reception):
    for prefix in ("", "/kk"):
        assert client.get(f"{prefix}/receptions/").status_code == 200
        assert client.get(f"{prefix}/receptions/{reception.pk}/").status_code == 200


def test_an_attended_visit_offers_the_appeal_form_and_links_an_appeal(client, world):
    from tests.receptions.factories import appeal_at

    reception = ReceptionFactory(office=world.astana_office, person=world.alikhan, date=in_days(-1))
    booking = BookingFactory(reception=reception, citizen=world.aigerim, status="attended")
    waiting = BookingFactory(reception=reception, citizen=world.boris, slot_start=time(10, 30))
    client.force_login(world.operator)
    url = f"/en/receptions/workspace/reception/{reception.pk}/"
    page = client.get(url).content.decode()
    expected = (
        f"/en/staff/new/?office={world.astana_office.pk}&amp;addressed_person={world.alikhan.pk}"
        f"&amp;channel=walk_in&amp;reception_booking={booking.pk}"
    )
    assert expected in page
    assert f"reception_booking={waiting.pk}" not in page  # only a visit that took place
    appeal = appeal_at(world.astana_office, world.aigerim)
    response = client.post(
        url, {"action": "appeal", "booking": booking.pk, "number": appeal.number}
    )
    assert response.status_code == 302
    assert list(booking.appeals.all()) == [appeal]
    assert appeal.number in client.get(url).content.decode()
    refused = client.post(url, {"action": "appeal", "booking": booking.pk, "number": "NOPE-1"})
    assert "There is no appeal with this number at this office." in refused.content.decode()


def test_the_office_cancels_a_booking_from_the_visitors_list(client, world, reception):
    booking = BookingFactory(reception=reception, citizen=world.aigerim)
    client.force_login(world.operator)
    url = f"/en/receptions/workspace/reception/{reception.pk}/"
    assert f"/en/receptions/my/{booking.pk}/cancel/" in client.get(url).content.decode()
    response = client.post(f"/en/receptions/my/{booking.pk}/cancel/", {"next": url})
    assert response["Location"] == url
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_staff_pages_need_the_same_number_of_queries_for_more_rows(client, world):
    reception = ReceptionFactory(
        office=world.astana_office,
        person=world.alikhan,
        date=in_days(-1),
        start_time=time(9, 0),
        end_time=time(13, 0),
        slot_minutes=20,
        slot_count=12,
    )
    client.force_login(world.operator)
    pages = [
        f"/en/receptions/workspace/reception/{reception.pk}/",
        "/en/receptions/workspace/office/astana-office/",
        "/en/receptions/my/",
    ]

    def counts():
        result = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    BookingFactory(reception=reception, citizen=world.aigerim, slot_start=time(9, 0))
    ReceptionFactory(office=world.astana_office, person=world.alikhan, date=in_days(3))
    BookingFactory(
        reception=ReceptionFactory(
            office=world.astana_office, person=world.alikhan, date=in_days(4)
        ),
        citizen=world.operator,
    )
    few = counts()
    for slot in reception.slot_starts()[1:]:
        BookingFactory(
            reception=reception, citizen=factories.UserFactory(), slot_start=slot, status="attended"
        )
    for day in range(5, 12):
        other = ReceptionFactory(
            office=world.astana_office, person=world.alikhan, date=in_days(day)
        )
        BookingFactory(reception=other, citizen=world.operator)
    assert counts() == few
