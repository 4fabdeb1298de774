"""The methodology versions the platform publishes (parameters of halyq.scoring)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from halyq.ratings.models import MethodologyVersion
from halyq.scoring.methodology import Methodology, MethodologyError
from halyq.scoring.versions import methodology_dict


class NoMethodology(RuntimeError):
    pass


def methodology_publish(*, version: str, parameters: dict | None = None) -> MethodologyVersion:
    """Publish a version and make it current. Invalid parameters are refused here, on
    load, not discovered when a snapshot is computed."""
    from halyq.integrity.services import event_record

    parameters = parameters if parameters is not None else methodology_dict(version)
    methodology = Methodology.from_dict(parameters)
    if methodology.version != version:
        raise MethodologyError(f"the parameters describe {methodology.version!r}, not {version!r}")
    with transaction.atomic():
        if MethodologyVersion.objects.filter(version=version).exists():
            raise MethodologyError(
                f"methodology {version!r} is already published; publish a new version"
            )
        MethodologyVersion.objects.filter(is_current=True).update(is_current=False)
        row = MethodologyVersion.objects.create(
            version=version,
            parameters=methodology.to_dict(),
            published_at=timezone.now(),
            is_current=True,
        )
        event_record(
            kind="methodology.published",
            payload={"version": version, "parameters": _integral(methodology.to_dict())},
        )
    return row


def current_methodology() -> tuple[MethodologyVersion, Methodology]:
    row = MethodologyVersion.objects.filter(is_current=True).first()
    if row is None:
        raise NoMethodology(
            "No methodology version is published yet: run `halyq rating methodology v3`."
        )
    return row, Methodology.from_dict(row.parameters)


def _integral(value):
    """Parameters in the ledger: floats as decimal strings (canonical JSON has no floats)."""
    from halyq.scoring.publish import published

    return published(value)
