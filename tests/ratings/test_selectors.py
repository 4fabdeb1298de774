"""The rating's reads: leaderboard filters, sorting, bands, "not enough data" apart, pilot
regions left out, caching; profiles, drafts and the moderators' queue."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from halyq.ratings import selectors
from halyq.ratings.disputes import dispute_decide, dispute_open
from halyq.ratings.models import Dispute, Evaluation
from halyq.ratings.selectors import LeaderboardFilters
from halyq.ratings.services import evaluation_moderate_comment, evaluation_submit
from tests.appeals.factories import deputy_user, moderator_of
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    region,
)
from tests.ratings.test_pages_helpers import (  # noqa: F401  (fixture)
    fresh_cache,
    make_pilot,
    make_public,
    make_snapshot,
    refresh,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def board_world(methodology, astana, almaty):
    """Astana and Almaty public; Pavlodar public when the snapshot was taken, pilot since."""
    pavlodar = region("55")
    make_public(astana, almaty, pavlodar)
    faction = OrganizationFactory(slug="faction-astana", region=astana, name_en="Astana faction")

    def person(family, given, where, kind="deputy"):
        return PersonFactory(
            family_name_ru=family,
            family_name_en=family,
            family_name_kk=family,
            given_name_ru=given,
            given_name_en=given,
            given_name_kk=given,
            region=where,
            kind=kind,
        )

    people = SimpleNamespace(
        aibek=person("Abenov", "Aibek", astana),
        bolat=person("Bekov", "Bolat", astana),
        dana=person("Dauletova", "Dana", astana),
        erlan=person("Ermekov", "Erlan", astana),
        rustem=person("Rustemov", "Rustem", astana, kind="reserve"),
        saule=person("Saulebekova", "Saule", astana, kind="reserve"),
        murat=person("Muratov", "Murat", almaty),
        pilot=person("Pilotov", "Pavel", pavlodar),
    )
    MembershipFactory(person=people.aibek, organization=faction)
    MembershipFactory(
        person=people.bolat,
        organization=faction,
        end_date=timezone.localdate() - timedelta(days=1),
        start_date=timezone.localdate() - timedelta(days=100),
    )
    snapshot = make_snapshot(
        methodology,
        [
            (people.aibek, "district:71", 80.0, 74.0, 86.0, 1, 1, 30),
            (people.bolat, "district:71", 75.0, 70.0, 81.0, 2, 1, 12),
            (people.dana, "district:71", 50.0, 45.0, 55.0, 3, 2, 40),
            (people.erlan, "district:71", None, None, None, None, None, 2),
            (people.rustem, "reserve:71", 60.0, 50.0, 70.0, 1, 1, 8),
            (people.saule, "reserve:71", None, None, None, None, None, 1),
            (people.murat, "regional:75", 90.0, 85.0, 95.0, 1, 1, 20),
            (people.pilot, "district:55", 99.0, 98.0, 100.0, 1, 1, 50),
        ],
    )
    make_pilot(pavlodar)
    return SimpleNamespace(people=people, snapshot=snapshot, faction=faction, pavlodar=pavlodar)


def names(board) -> list[str]:
    rows = selectors.leaderboard_rows(board, board.result_ids)
    return [row.result.person.family_name_en for row in rows]


def board(**filters):
    return selectors.leaderboard(filters=LeaderboardFilters(**filters))


def test_by_rank_group_by_group_with_the_unrated_apart(board_world):
    result = board()
    # Groups in the engine's order, rank inside each; those without enough data after all rated.
    assert names(result) == [
        "Abenov",
        "Bekov",
        "Dauletova",
        "Muratov",
        "Rustemov",
        "Ermekov",
        "Saulebekova",
    ]
    assert (result.rated_count, result.insufficient_count) == (5, 2)


def test_a_region_back_in_pilot_is_gone_at_once(board_world):
    assert "Pilotov" not in names(board())
    make_public(board_world.pavlodar, days_ago=1)
    assert "Pilotov" in names(board()), "the same snapshot shows it while the region is public"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"region": "75"}, ["Muratov"]),
        ({"region": "71", "kind": "reserve"}, ["Rustemov", "Saulebekova"]),
        ({"level": "district"}, ["Abenov", "Bekov", "Dauletova", "Ermekov"]),
        ({"level": "regional"}, ["Muratov"]),
        ({"level": "parliament"}, []),
        ({"faction": "faction-astana"}, ["Abenov"]),  # Bekov's membership has ended
        ({"q": "dauletova"}, ["Dauletova"]),
        ({"q": "Даулетова"}, ["Dauletova"]),  # any script
        ({"q": "nobody"}, []),
        ({"region": "55"}, []),  # pilot
    ],
)
def test_filters(board_world, filters, expected):
    assert names(board(**filters)) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "score",
            ["Muratov", "Abenov", "Bekov", "Rustemov", "Dauletova", "Ermekov", "Saulebekova"],
        ),
        ("name", ["Abenov", "Bekov", "Dauletova", "Muratov", "Rustemov", "Ermekov", "Saulebekova"]),
        (
            "appeals",
            ["Dauletova", "Abenov", "Muratov", "Bekov", "Rustemov", "Ermekov", "Saulebekova"],
        ),
    ],
)
def test_sorts_keep_the_unrated_apart(board_world, sort, expected):
    assert names(board(sort=sort)) == expected


def test_page_sections_show_groups_and_band_breaks(board_world):
    with translation.override("en"):
        _page, sections = selectors.leaderboard_page(board(region="71"), 1, 25)
    assert [(s.rated, s.group) for s in sections] == [
        (True, "district:71"),
        (True, "reserve:71"),
        (False, "district:71"),
        (False, "reserve:71"),
    ]
    district = sections[0]
    assert [row.new_band for row in district.rows] == [False, False, True]  # Dauletova opens band 2
    assert district.heading == "District (town) maslikhat · Astana"
    flat = selectors.leaderboard_page(board(region="71", sort="name"), 1, 25)[1]
    assert [(s.rated, s.heading) for s in flat] == [(True, ""), (False, "")]


def test_the_board_is_cached_until_the_next_snapshot(board_world, methodology):
    first = board()
    with CaptureQueriesContext(connection) as queries:
        again = board()
    assert again.result_ids == first.result_ids
    assert len(queries) == 0
    people = board_world.people
    make_snapshot(methodology, [(people.murat, "regional:75", 91.0, 86.0, 96.0, 1, 1, 21)])
    assert names(board()) == ["Muratov"]


def test_page_rows_take_a_constant_number_of_queries(board_world):
    result = board()
    with CaptureQueriesContext(connection) as two:
        selectors.leaderboard_page(result, 1, 2)
    with CaptureQueriesContext(connection) as seven:
        selectors.leaderboard_page(result, 1, 25)
    assert len(two) == len(seven) <= 3


def test_no_snapshot_no_board(methodology, astana):
    make_public(astana)
    result = board()
    assert result.snapshot is None and result.count == 0


# --------------------------------------------------------------------------- profiles
def test_history_keeps_the_latest_snapshot_of_each_day(methodology, astana):
    make_public(astana)
    person = PersonFactory(region=astana)
    day = timezone.localdate() - timedelta(days=10)
    make_snapshot(
        methodology,
        [(person, "district:71", 40.0, 30.0, 50.0, 1, 1, 6)],
        as_of=day,
        published_at=timezone.now() - timedelta(days=10, hours=2),
    )
    make_snapshot(
        methodology,
        [(person, "district:71", 42.0, 32.0, 52.0, 1, 1, 6)],
        as_of=day,
        published_at=timezone.now() - timedelta(days=10),
    )
    make_snapshot(methodology, [(person, "district:71", None, None, None, None, None, 2)])
    history = selectors.person_history(person)
    assert [(point.as_of, point.score) for point in history] == [
        (day, 42.0),
        (timezone.localdate(), None),
    ]


def test_pilot_people_have_no_public_rating(board_world):
    assert selectors.person_rating(board_world.people.pilot) is None
    assert selectors.person_result(board_world.people.pilot) is None
    assert selectors.person_rating(board_world.people.aibek).result.score == 80.0


def test_published_comments_are_moderated_counted_and_anonymous(
    methodology, astana, answered_appeal, deputy
):
    make_public(astana)
    old_appeal, new_appeal, held_appeal = answered_appeal(), answered_appeal(), answered_appeal()
    old = evaluation_submit(
        user=old_appeal.author, appeal=old_appeal, score=5, comment="Быстро помогли"
    )
    moderator = moderator_of(astana)
    evaluation_moderate_comment(moderator=moderator, evaluation=old, publish=True)
    Evaluation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    new = evaluation_submit(user=new_appeal.author, appeal=new_appeal, score=4, comment="Спасибо")
    evaluation_moderate_comment(
        moderator=moderator, evaluation=new, publish=True
    )  # still in its reply period
    held = evaluation_submit(user=held_appeal.author, appeal=held_appeal, score=1, comment="Плохо")
    evaluation_moderate_comment(moderator=moderator, evaluation=held, publish=True)
    Evaluation.objects.filter(pk=held.pk).update(
        status=Evaluation.Status.HELD, created_at=timezone.now() - timedelta(days=8)
    )
    make_snapshot(methodology, [(deputy, "district:71", 70.0, 60.0, 80.0, 1, 1, 3)])
    comments = selectors.person_rating(deputy).comments
    assert [c["comment"] for c in comments] == ["Быстро помогли"]
    assert set(comments[0]) == {"comment", "score", "created_at"}


def test_dispute_and_check_counts(methodology, astana, answered_appeal, deputy):
    make_public(astana)
    account = deputy_user(deputy) if not hasattr(deputy, "user") else deputy.user
    moderator = moderator_of(astana)
    outcomes = []
    for uphold in (True, False, True):
        appeal = answered_appeal()
        evaluation = evaluation_submit(user=appeal.author, appeal=appeal, score=1)
        dispute = dispute_open(user=account, evaluation=evaluation, reason="Ответ был дан вовремя")
        outcomes.append(
            dispute_decide(moderator=moderator, dispute=dispute, uphold=uphold, reason="Проверено")
        )
    appeal = answered_appeal()
    dispute_open(
        user=account,
        evaluation=evaluation_submit(user=appeal.author, appeal=appeal, score=2),
        reason="Нет",
    )
    assert selectors.dispute_counts(deputy) == {"open": 1, "upheld": 2, "rejected": 1}
    assert selectors.check_counts(deputy) == {"held": 0, "excluded": 2}


# --------------------------------------------------------------------------- drafts and moderation
def test_draft_lists_the_reply_period_and_open_disputes(
    methodology, astana, answered_appeal, deputy
):
    account = deputy.user if hasattr(deputy, "user") else deputy_user(deputy)
    fresh, disputed, old = answered_appeal(), answered_appeal(), answered_appeal()
    fresh_evaluation = evaluation_submit(user=fresh.author, appeal=fresh, score=3)
    disputed_evaluation = evaluation_submit(user=disputed.author, appeal=disputed, score=1)
    dispute_open(user=account, evaluation=disputed_evaluation, reason="Неверно")
    old_evaluation = evaluation_submit(user=old.author, appeal=old, score=5)
    long_ago = timezone.now() - timedelta(days=20)
    Evaluation.objects.filter(pk__in=[disputed_evaluation.pk, old_evaluation.pk]).update(
        created_at=long_ago
    )
    draft = selectors.person_draft(deputy)
    listed = {item.evaluation.pk: item for item in draft.evaluations}
    assert set(listed) == {fresh_evaluation.pk, disputed_evaluation.pk}
    assert listed[fresh_evaluation.pk].can_dispute
    assert not listed[disputed_evaluation.pk].can_dispute
    assert listed[disputed_evaluation.pk].open_dispute is not None


def test_the_queue_holds_only_the_moderators_regions(
    methodology, astana, almaty, answered_appeal, deputy
):
    appeal = answered_appeal()
    evaluation = evaluation_submit(user=appeal.author, appeal=appeal, score=4, comment="Хорошо")
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.HELD)
    account = deputy.user if hasattr(deputy, "user") else deputy_user(deputy)
    dispute_open(user=account, evaluation=evaluation, reason="Не согласен")
    own = selectors.moderation_queue(moderator_of(astana))
    assert [len(own[key]) for key in ("held", "comments", "disputes")] == [1, 1, 1]
    other = selectors.moderation_queue(moderator_of(almaty))
    assert [len(other[key]) for key in ("held", "comments", "disputes")] == [0, 0, 0]
    assert selectors.moderated_evaluation(moderator_of(almaty), evaluation.pk) is None
    assert selectors.moderated_evaluation(UserFactory(), evaluation.pk) is None
    assert selectors.moderated_dispute(moderator_of(almaty), Dispute.objects.get().pk) is None


def test_check_counts_by_person_lists_public_regions_only(
    methodology, astana, almaty, answered_appeal, deputy
):
    make_public(astana)
    appeal = answered_appeal()
    evaluation = evaluation_submit(user=appeal.author, appeal=appeal, score=4)
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.EXCLUDED)
    rows = list(selectors.check_counts_by_person())
    assert [(p.pk, p.held, p.excluded) for p in rows] == [(deputy.pk, 0, 1)]
    assert list(selectors.check_counts_by_person(q="nobody")) == []
    make_pilot(astana)
    assert list(selectors.check_counts_by_person()) == []
