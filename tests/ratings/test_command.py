"""`halyq rating snapshot`: both snapshots, then the open-data download follows."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from halyq.opendata.selectors import current_export
from halyq.ratings.models import Snapshot

pytestmark = pytest.mark.django_db


def test_snapshot_publishes_and_refreshes_the_open_data(
    methodology, answered_appeal, settings, tmp_path
):
    settings.HALYQ_OPENDATA_DIR = tmp_path / "opendata"
    answered_appeal(resolution="yes")
    out = StringIO()
    call_command("rating", "snapshot", stdout=out)
    assert set(Snapshot.objects.values_list("scope", flat=True)) == {"pilot", "public"}
    assert "Open data refreshed" in out.getvalue()
    served = current_export()
    public = Snapshot.objects.get(scope="public")
    assert served.anchors["latest_snapshot"]["snapshot_id"] == public.id
    assert served.anchors["chain_head"]["seq"] >= public.chain_head_seq


def test_snapshot_can_leave_the_open_data_alone(methodology, settings, tmp_path):
    settings.HALYQ_OPENDATA_DIR = tmp_path / "opendata"
    call_command("rating", "snapshot", "--no-opendata", stdout=StringIO())
    assert Snapshot.objects.count() == 2 and current_export() is None


def test_without_a_methodology_nothing_is_computed(db, settings, tmp_path):
    settings.HALYQ_OPENDATA_DIR = tmp_path / "opendata"
    with pytest.raises(CommandError, match="methodology"):
        call_command("rating", "snapshot", stdout=StringIO())
    assert not Snapshot.objects.exists() and current_export() is None
