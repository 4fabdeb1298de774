"""Receptions through the API: the public schedule (no identities) and one's own bookings."""

from __future__ import annotations

from datetime import time

import pytest

from halyq.receptions import services
from halyq.receptions.models import Booking
from tests.api.conftest import token_client
from tests.factories import UserFactory
from tests.receptions.factories import ReceptionFactory, ReceptionOfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reception(astana):
    return ReceptionFactory(office=ReceptionOfficeFactory(region=astana, slug="astana-main"))


def test_the_schedule_is_public_and_says_which_slots_are_taken_never_by_whom(client_en, reception):
    booker = UserFactory(email="booker@example.kz", display_name="Booker Name")
    services.booking_create(citizen=booker, reception=reception, slot_start=time(10, 0))
    listed = client_en.get("/api/v1/receptions/", {"office": "astana-main"}).json()
    assert [r["id"] for r in listed["results"]] == [reception.pk]
    assert listed["results"][0]["free_slots"] == 3
    response = client_en.get(f"/api/v1/receptions/{reception.pk}/")
    slots = response.json()["slots"]
    assert [slot["start"] for slot in slots] == ["10:00", "10:30", "11:00", "11:30"]
    assert [slot["taken"] for slot in slots] == [True, False, False, False]
    text = response.content.decode()
    assert "booker" not in text.lower() and "Booker Name" not in text
    assert client_en.get("/api/v1/receptions/", {"person": "not-a-uuid"}).status_code == 400
    assert client_en.get("/api/v1/receptions/999999/").status_code == 404


def test_a_citizen_books_sees_and_cancels_their_own_booking(reception):
    citizen = UserFactory()
    client = token_client(citizen)
    made = client.post(
        "/api/v1/me/bookings/",
        {"reception": reception.pk, "slot_start": "10:30", "topic": "Ремонт дороги"},
        format="json",
    )
    assert made.status_code == 201, made.content
    booking_id = made.json()["id"]
    assert made.json()["slot_start"] == "10:30"
    assert [b["id"] for b in client.get("/api/v1/me/bookings/").json()["results"]] == [booking_id]
    cancelled = client.post(f"/api/v1/me/bookings/{booking_id}/cancel/")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/me/bookings/{booking_id}/cancel/")
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"


def test_a_taken_slot_is_409_and_writes_nothing(reception):
    services.booking_create(citizen=UserFactory(), reception=reception, slot_start=time(10, 0))
    response = token_client(UserFactory()).post(
        "/api/v1/me/bookings/", {"reception": reception.pk, "slot_start": "10:00"}, format="json"
    )
    assert response.status_code == 409, response.content
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"reception": "x", "slot_start": "10:00"},
        {"reception": 1, "slot_start": "25:99"},
        {"slot_start": "10:00"},
        {"reception": 1, "slot_start": "10:00", "seat": 3},
    ],
)
def test_bad_bookings_are_400(reception, body):
    response = token_client(UserFactory()).post("/api/v1/me/bookings/", body, format="json")
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_an_unconfirmed_email_cannot_book(reception):
    citizen = UserFactory(email_confirmed_at=None)
    response = token_client(citizen).post(
        "/api/v1/me/bookings/", {"reception": reception.pk, "slot_start": "10:00"}, format="json"
    )
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_somebody_elses_booking_does_not_exist_for_you(reception):
    theirs = services.booking_create(
        citizen=UserFactory(), reception=reception, slot_start=time(10, 0)
    )
    client = token_client(UserFactory())
    assert client.get(f"/api/v1/me/bookings/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/me/bookings/{theirs.pk}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "booked"
