"""The rating through the API: the latest public snapshot (cached, with ETags), a person's
rating, methodology and snapshots, citizens' evaluations and moderators' decisions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from halyq.accounts.models import RoleAssignment
from halyq.directory.models import Person
from halyq.ratings.models import Evaluation, Snapshot
from halyq.ratings.services import evaluation_submit, publication_mode_set
from tests.api.conftest import token_client
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def publish_snapshot(people, *, as_of=None) -> Snapshot:
    """A published public snapshot with a result per person, set up directly.

    (`ratings.snapshots.snapshot_compute` sets the isolation level of its own transaction,
    which PostgreSQL refuses inside a test's transaction; the engine has its own tests.)
    """
    from halyq.ratings.models import MethodologyVersion, SnapshotResult
    from halyq.ratings.selectors import forget_cached_leaderboards

    now = timezone.now()
    snapshot = Snapshot.objects.create(
        methodology=MethodologyVersion.objects.get(is_current=True),
        scope=Snapshot.Scope.PUBLIC,
        as_of=as_of or timezone.localdate(),
        chain_head_seq=1,
        chain_head_hash="a" * 64,
        merkle_root="b" * 64,
        people_count=len(people),
        evidence_cutoff=now,
        is_published=True,
        published_at=now,
    )
    for rank, person in enumerate(people, start=1):
        SnapshotResult.objects.create(
            snapshot=snapshot,
            person=person,
            status="rated",
            score=0.9 - rank / 10,
            low=0.5,
            high=0.95,
            rank=rank,
            band=1,
            appeals=rank,
            data={"group": f"district:{person.region.code}", "workload": {"appeals": rank}},
        )
    forget_cached_leaderboards()  # what publishing a snapshot does to the rating's cache
    return snapshot


@pytest.fixture
def published(methodology, deputy, astana, almaty):
    """Astana public with its deputy rated; Almaty in pilot (its person must not show)."""
    publication_mode_set(region=astana, mode="public", public_from=timezone.localdate())
    pilot = PersonFactory(region=almaty, family_name_en="Pilotova")
    return publish_snapshot([deputy, pilot])


def test_the_latest_public_rating_with_its_snapshot(client_en, published, deputy):
    body = client_en.get("/api/v1/ratings/").json()
    assert body["snapshot"]["id"] == published.pk
    assert body["snapshot"]["chain_head_hash"] == published.chain_head_hash
    people = [row["person"]["id"] for row in body["results"]]
    assert people == [str(deputy.public_id)]
    row = body["results"][0]
    assert row["person"]["name"]["en"].startswith("Deputatov")
    assert (row["rank"], row["appeals"], row["group"]) == (1, 1, "district:71")


def test_rating_filters_are_checked(client_en, published):
    assert client_en.get("/api/v1/ratings/", {"region": "71"}).json()["count"] == 1
    assert client_en.get("/api/v1/ratings/", {"kind": "reserve"}).json()["count"] == 0
    for params in ({"region": "75"}, {"region": "99"}, {"kind": "mayor"}, {"sort": "height"}):
        response = client_en.get("/api/v1/ratings/", params)
        assert response.status_code == 400, params  # 75 is in pilot: not a choice
    assert client_en.get("/api/v1/ratings/", {"page": 2}).status_code == 404


def test_a_repeated_rating_request_is_answered_from_the_cache(client_en, published):
    first = client_en.get("/api/v1/ratings/", {"region": "71"})
    tag = first["ETag"]
    with CaptureQueriesContext(connection) as captured:
        again = client_en.get("/api/v1/ratings/", {"region": "71"})
        not_modified = client_en.get("/api/v1/ratings/", {"region": "71"}, HTTP_IF_NONE_MATCH=tag)
    assert len(captured) == 0
    assert again.content == first.content and again["ETag"] == tag
    assert not_modified.status_code == 304


def test_a_new_snapshot_shows_at_once(client_en, published, deputy):
    tag = client_en.get("/api/v1/ratings/")["ETag"]
    newer = publish_snapshot([deputy])
    response = client_en.get("/api/v1/ratings/", HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert response.json()["snapshot"]["id"] == newer.pk


def test_no_snapshot_yet_is_an_empty_rating(client_en, methodology):
    body = client_en.get("/api/v1/ratings/").json()
    assert body["snapshot"] is None and body["results"] == []


def test_a_persons_public_rating_and_none_for_a_pilot_region(client_en, published, deputy, almaty):
    body = client_en.get(f"/api/v1/persons/{deputy.public_id}/rating/").json()
    assert body["snapshot"]["id"] == published.pk
    assert body["result"]["appeals"] == 1 and body["group"] == "district:71"
    assert [point["as_of"] for point in body["history"]] == [published.as_of.isoformat()]
    pilot = Person.objects.get(family_name_en="Pilotova")  # has a result, but Almaty is in pilot
    assert client_en.get(f"/api/v1/persons/{pilot.public_id}/rating/").status_code == 404


def test_methodology_versions_and_published_snapshots(client_en, published, methodology):
    versions = client_en.get("/api/v1/methodology/").json()
    assert [v["version"] for v in versions] == [methodology.version]
    assert client_en.get(f"/api/v1/methodology/{methodology.version}/").json()["is_current"]
    snapshots = client_en.get("/api/v1/snapshots/").json()["results"]
    assert [s["id"] for s in snapshots] == [published.pk]
    staff_only = publish_snapshot([])
    Snapshot.objects.filter(pk=staff_only.pk).update(scope=Snapshot.Scope.PILOT, is_published=False)
    assert client_en.get(f"/api/v1/snapshots/{staff_only.pk}/").status_code == 404


# --- evaluations ------------------------------------------------------------------------------


def test_the_author_evaluates_an_answered_appeal_once(methodology, answered_appeal):
    appeal = answered_appeal(resolution="yes")
    client = token_client(appeal.author)
    body = {"appeal": appeal.number, "score": 5, "comment": "Спасибо, всё сделали"}
    created = client.post("/api/v1/me/evaluations/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["comment_status"] == "pending"
    again = client.post("/api/v1/me/evaluations/", body, format="json")
    assert again.status_code == 400
    assert Evaluation.objects.count() == 1
    changed = client.patch(
        f"/api/v1/me/evaluations/{created.json()['id']}/", {"score": 4}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["score"] == 4


def test_nobody_else_evaluates_and_bad_marks_are_refused(methodology, answered_appeal):
    appeal = answered_appeal()
    stranger = token_client(UserFactory())
    response = stranger.post(
        "/api/v1/me/evaluations/", {"appeal": appeal.number, "score": 1}, format="json"
    )
    assert response.status_code == 404
    author = token_client(appeal.author)
    for body in (
        {"appeal": appeal.number, "score": 6},
        {"score": 3},
        {"appeal": appeal.number, "booking": 1, "score": 3},
    ):
        assert author.post("/api/v1/me/evaluations/", body, format="json").status_code == 400
    assert not Evaluation.objects.exists()


# --- moderation -------------------------------------------------------------------------------


def moderator_of(region):
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=RoleAssignment.Role.MODERATOR, region=region)
    return user


def test_the_regions_moderator_publishes_a_comment(methodology, answered_appeal, astana, almaty):
    appeal = answered_appeal(resolution="yes")
    evaluation = evaluation_submit(user=appeal.author, appeal=appeal, score=5, comment="Спасибо!")
    mine = token_client(moderator_of(astana))
    queue = mine.get("/api/v1/staff/moderation/evaluations/").json()
    assert [item["id"] for item in queue["comments"]] == [evaluation.pk]
    assert appeal.author.email not in str(queue)
    other = token_client(moderator_of(almaty))
    url = f"/api/v1/staff/moderation/evaluations/{evaluation.pk}/comment/"
    assert other.post(url, {"decision": "publish"}, format="json").status_code == 404
    done = mine.post(url, {"decision": "publish"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["comment_status"] == "published"


def test_only_moderators_have_the_rating_queue(methodology):
    assert (
        token_client(UserFactory()).get("/api/v1/staff/moderation/evaluations/").status_code == 404
    )
