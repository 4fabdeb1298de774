"""Builders for the open-data tests: a small world made through the real services.

Two regions: Astana (71) is public, Almaty (75) is in pilot. Each has a deputy, a
reception office, citizens with recognisable personal data and appeals that were
answered, confirmed and evaluated; two public snapshots were published.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from halyq.accounts.iin import check_digit
from halyq.accounts.services import user_set_iin
from halyq.appeals import services as appeal_services
from halyq.appeals.models import Appeal, Channel
from halyq.directory.models import Organization, Person, Post
from halyq.ratings.methodologies import methodology_publish
from halyq.ratings.services import evaluation_submit, publication_mode_set
from halyq.ratings.snapshots import snapshot_compute
from tests.appeals.factories import OfficeFactory, assign, category, deputy_user, operator_of
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, UserFactory


def valid_iin(first_eleven: str) -> str:
    digit = check_digit(first_eleven)
    assert digit is not None
    return f"{first_eleven}{digit}"


# Recognisable personal data: none of it may appear anywhere in an export.
PUBLIC_CITIZEN = {
    "display_name": "Zhanargul Testovna-Secret",
    "email": "zhanargul.secret@example.kz",
    "phone": "+77015551234",
}
PILOT_CITIZEN = {
    "display_name": "Бақытгүл Құпиясова",
    "email": "baqytgul.qupiya@example.kz",
    "phone": "+77475550011",
}
VISITOR = {
    "citizen_name": "Visitor Nameless-Secret",
    "citizen_phone": "+77025559876",
    "citizen_email": "visitor.secret@example.kz",
}
IIN = valid_iin("88010130012")
APPEAL_TEXT = "Marker SECRET-TEXT-4417: в подъезде нет света уже неделю, просим помочь."
PILOT_APPEAL_TEXT = "Marker PILOT-TEXT-6120: во дворе сломаны качели, просим починить."
ANSWER_TEXT = "Ответ SECRET-ANSWER-5521: электрика вызвали, свет дали."
COMMENT_TEXT = "SECRET-COMMENT-9034 спасибо за помощь"

PERSONAL_VALUES = [
    PUBLIC_CITIZEN["display_name"],
    PUBLIC_CITIZEN["email"],
    PUBLIC_CITIZEN["phone"],
    "+7 701 555 12 34",
    "7015551234",
    PILOT_CITIZEN["display_name"],
    PILOT_CITIZEN["email"],
    PILOT_CITIZEN["phone"],
    VISITOR["citizen_name"],
    VISITOR["citizen_phone"],
    "7025559876",
    VISITOR["citizen_email"],
    IIN,
    "SECRET-TEXT-4417",
    "PILOT-TEXT-6120",
    "SECRET-ANSWER-5521",
    "SECRET-COMMENT-9034",
]


@dataclass
class World:
    public_region: object
    pilot_region: object
    public_deputy: Person
    pilot_deputy: Person
    party: Organization
    public_council: Organization
    pilot_faction: Organization
    appeals: list[Appeal] = field(default_factory=list)
    snapshots: list = field(default_factory=list)


def citizen(**fields):
    return UserFactory(date_joined=timezone.now() - timedelta(days=30), **fields)


def answered_appeal(
    office, deputy, deputy_account, author, *, text, resolution="yes", category_code="housing"
):
    appeal = appeal_services.appeal_register(
        author=author,
        office=office,
        category=category(category_code),
        text=text,
        idempotency_key=uuid.uuid4(),
    )
    appeal = assign(appeal, operator_of(office), deputy)
    appeal = appeal_services.appeal_transition(
        appeal_id=appeal.pk,
        action="answer",
        user=deputy_account,
        version=appeal.version,
        data=appeal_services.TransitionInput(answer=ANSWER_TEXT),
    )
    if resolution:
        appeal = appeal_services.appeal_transition(
            appeal_id=appeal.pk,
            action="confirm_resolution",
            user=author,
            version=appeal.version,
            data=appeal_services.TransitionInput(resolution=resolution),
        )
    return appeal


def visitor_appeal(office, operator, **visitor):
    return appeal_services.appeal_register(
        office=office,
        category=category("roads"),
        text=APPEAL_TEXT,
        idempotency_key=uuid.uuid4(),
        channel=Channel.WALK_IN,
        registered_by=operator,
        **(visitor or VISITOR),
    )


def deputy(region, **names) -> Person:
    return PersonFactory(region=region, **names)


def build_world(
    astana, almaty, *, with_pilot_region: bool = True, with_snapshots: bool = True
) -> World:
    """The two-region world (or, without the pilot region, Astana alone).

    Snapshots need a transactional test on PostgreSQL (snapshot_compute sets its
    isolation level, which PostgreSQL allows only outside a surrounding transaction);
    ``with_snapshots=False`` builds everything else, for ordinary tests.
    """
    today = timezone.localdate()
    methodology_publish(version="v3")
    publication_mode_set(region=astana, mode="public", public_from=today - timedelta(days=1))
    if with_pilot_region:
        publication_mode_set(region=almaty, mode="pilot")

    party = OrganizationFactory(
        slug="party",
        classification=Organization.Classification.PARTY,
        name_ru="Партия",
        name_en="Party",
    )
    public_council = OrganizationFactory(
        slug="maslikhat-astana",
        classification=Organization.Classification.COUNCIL,
        name_ru="Маслихат Астаны",
        name_kk="Астана мәслихаты",
        name_en="Astana maslikhat",
        region=astana,
        parent=party,
    )
    pilot_faction = OrganizationFactory(
        slug="faction-almaty-pilot",
        name_ru="Фракция Алматы",
        name_en="Almaty faction",
        region=almaty,
    )
    public_deputy = deputy(
        astana,
        family_name_ru="Депутатов",
        given_name_ru="Публий",
        family_name_kk="Депутатов",
        given_name_kk="Публий",
        family_name_en="Deputatov",
        given_name_en="Publiy",
    )
    pilot_deputy = deputy(
        almaty,
        family_name_ru="Пилотбекова",
        given_name_ru="Секретжан",
        family_name_kk="Пилотбекова",
        given_name_kk="Секретжан",
        family_name_en="Pilotbekova",
        given_name_en="Sekretzhan",
    )
    seat = Post.objects.create(
        organization=public_council, role="deputy", label_ru="Депутат", label_en="Deputy"
    )
    MembershipFactory(
        person=public_deputy,
        organization=public_council,
        post=seat,
        on_behalf_of=party,
        role="deputy",
    )
    MembershipFactory(person=public_deputy, organization=party)
    MembershipFactory(person=pilot_deputy, organization=pilot_faction)
    MembershipFactory(person=pilot_deputy, organization=party)

    world = World(astana, almaty, public_deputy, pilot_deputy, party, public_council, pilot_faction)
    public_office = OfficeFactory(region=astana)
    public_account = deputy_user(public_deputy)
    author = citizen(**PUBLIC_CITIZEN)
    user_set_iin(user=author, iin=IIN)
    first = answered_appeal(public_office, public_deputy, public_account, author, text=APPEAL_TEXT)
    evaluation_submit(user=author, appeal=first, score=5, comment=COMMENT_TEXT)
    second = answered_appeal(
        public_office,
        public_deputy,
        public_account,
        citizen(),
        text=APPEAL_TEXT,
        resolution="partly",
    )
    operator = operator_of(public_office)
    walk_in = visitor_appeal(public_office, operator)
    world.appeals += [first, second, walk_in]

    if with_pilot_region:
        pilot_office = OfficeFactory(region=almaty)
        pilot_account = deputy_user(pilot_deputy)
        pilot_author = citizen(**PILOT_CITIZEN)
        pilot = answered_appeal(
            pilot_office, pilot_deputy, pilot_account, pilot_author, text=PILOT_APPEAL_TEXT
        )
        evaluation_submit(user=pilot_author, appeal=pilot, score=4, comment=COMMENT_TEXT)
        world.appeals.append(pilot)

    if with_snapshots:
        now = timezone.now()
        world.snapshots.append(snapshot_compute(now=now))
        world.snapshots.append(snapshot_compute(now=now + timedelta(days=6)))
    return world
