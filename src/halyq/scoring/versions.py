"""The published methodology versions.

Each version is a plain JSON-compatible dict; the reasoning behind every value is
in ``docs/methodology.md``. A published version is never edited: a change of any
parameter is a new version.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from halyq.scoring.methodology import Methodology, MethodologyError

V1_DICT: Final[dict[str, Any]] = {
    "version": "v1",
    "window_days": 365,
    "weights": {
        "resolution": 0.40,
        "satisfaction": 0.20,
        "timeliness": 0.25,
        "direct_contact": 0.15,
        "delivery": 0.0,
    },
    "prior_strength": {
        "resolution": 10.0,
        "satisfaction": 10.0,
        "timeliness": 10.0,
        "direct_contact": 4.0,
        "delivery": 3.0,
    },
    "group_prior_strength": 20.0,
    "min_evidence": {"appeals": 5, "receptions": 3},
    "interval_level": 0.9,
    "missing_components": "prior",
    "resolution": {
        "partly_value": 0.5,
        "unconfirmed": "exclude",
        "case_mix": "global",
        "category_prior_strength": 20.0,
        "categories": None,
        "other_category": "other",
    },
    "satisfaction": {"include_transferred": False},
    "timeliness": {"speed_weight": 0.25, "target_working_days": 15},
    "direct_contact": {"held_weight": 0.5},
    "delivery": {"dispute_discount": 1.0},
    "defences": {
        "burst_factor": 4.0,
        "burst_minimum": 5,
        "new_account_hours": 48,
        "shared_network_accounts": 3,
        "similar_comment_threshold": 0.8,
        "per_author_per_person": 3,
    },
}
"""Methodology v1: programme delivery is computed and shown but weighs nothing."""

V2_DICT: Final[dict[str, Any]] = {
    **copy.deepcopy(V1_DICT),
    "version": "v2",
    "weights": {
        "resolution": 0.35,
        "satisfaction": 0.15,
        "timeliness": 0.20,
        "direct_contact": 0.15,
        "delivery": 0.15,
    },
}
"""Methodology v2: as v1, with programme delivery weighted 0.15."""

V3_DICT: Final[dict[str, Any]] = {
    **copy.deepcopy(V2_DICT),
    "version": "v3",
    "satisfaction": {"include_transferred": False, "include_receptions": True},
}
"""Methodology v3: as v2, with the visitors' marks of reception visits in satisfaction."""

DEFAULT_METHODOLOGY: Final[Methodology] = Methodology.from_dict(V1_DICT)
METHODOLOGY_V2: Final[Methodology] = Methodology.from_dict(V2_DICT)
METHODOLOGY_V3: Final[Methodology] = Methodology.from_dict(V3_DICT)
CURRENT_VERSION: Final[str] = "v3"
"""The version the platform publishes by default (the seed, the examples)."""

_BY_VERSION: Final[dict[str, dict[str, Any]]] = {"v1": V1_DICT, "v2": V2_DICT, "v3": V3_DICT}


def versions() -> tuple[str, ...]:
    """The published version names, oldest first."""
    return tuple(_BY_VERSION)


def methodology_dict(version: str) -> dict[str, Any]:
    """A fresh deep copy of a published version's document (safe to modify)."""
    try:
        return copy.deepcopy(_BY_VERSION[version])
    except KeyError:
        raise MethodologyError(f"unknown methodology version {version!r}") from None


def get_methodology(version: str) -> Methodology:
    """The validated methodology of a published version."""
    return Methodology.from_dict(methodology_dict(version))
