"""Methodology documents: validated on load, with errors that name the problem."""

from __future__ import annotations

import json
from typing import Any

import pytest

from halyq.scoring import (
    DEFAULT_METHODOLOGY,
    METHODOLOGY_V2,
    METHODOLOGY_V3,
    Methodology,
    MethodologyError,
)
from halyq.scoring.versions import (
    V1_DICT,
    V2_DICT,
    V3_DICT,
    get_methodology,
    methodology_dict,
    versions,
)


def doc(**changes: Any) -> dict[str, Any]:
    data = methodology_dict("v1")
    for key, value in changes.items():
        section, _, name = key.partition("__")
        if name:
            data[section][name] = value
        else:
            data[section] = value
    return data


def refused(data: dict[str, Any], *fragments: str) -> str:
    with pytest.raises(MethodologyError) as error:
        Methodology.from_dict(data)
    message = str(error.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_published_versions_load_and_round_trip() -> None:
    assert versions() == ("v1", "v2", "v3")
    assert DEFAULT_METHODOLOGY.version == "v1" and DEFAULT_METHODOLOGY.weights["delivery"] == 0.0
    assert METHODOLOGY_V2.weights["delivery"] > 0.0
    for version, data in (("v1", V1_DICT), ("v2", V2_DICT), ("v3", V3_DICT)):
        m = get_methodology(version)
        assert Methodology.from_dict(m.to_dict()) == m
        assert Methodology.from_json(m.to_json()) == m
        assert m.to_dict() == data
        assert hash(m) == hash(Methodology.from_dict(data))


def test_v3_is_v2_counting_the_marks_of_reception_visits() -> None:
    assert not DEFAULT_METHODOLOGY.satisfaction_include_receptions
    assert not METHODOLOGY_V2.satisfaction_include_receptions
    assert METHODOLOGY_V3.satisfaction_include_receptions
    v2, v3 = methodology_dict("v2"), methodology_dict("v3")
    assert v3.pop("version") == "v3" and v2.pop("version") == "v2"
    assert v3.pop("satisfaction") == {"include_transferred": False, "include_receptions": True}
    v2.pop("satisfaction")
    assert v3 == v2
    # Earlier documents have no such parameter, and are written back without it (so a
    # published version's document never changes); false is written the same way.
    assert "include_receptions" not in get_methodology("v1").to_dict()["satisfaction"]
    explicit = doc(satisfaction={"include_transferred": False, "include_receptions": False})
    assert Methodology.from_dict(explicit) == DEFAULT_METHODOLOGY
    refused(
        doc(satisfaction={"include_transferred": False, "include_receptions": "yes"}),
        "'satisfaction.include_receptions' must be true or false",
    )


def test_weights_must_sum_to_one() -> None:
    weights = dict(V1_DICT["weights"], resolution=0.35)
    refused(doc(weights=weights), "weights must sum to 1", "0.95")
    # within the tolerance is fine
    weights = dict(V1_DICT["weights"], resolution=0.40 + 5e-10)
    assert Methodology.from_dict(doc(weights=weights)).weights["resolution"] == 0.40 + 5e-10


def test_missing_parameters_are_named() -> None:
    data = doc()
    del data["window_days"]
    refused(data, "missing parameter 'window_days'", "'v1'")
    data = doc()
    del data["prior_strength"]["satisfaction"]
    refused(data, "missing parameter 'prior_strength.satisfaction'")
    data = doc()
    del data["resolution"]
    refused(data, "missing parameter 'resolution'")


def test_unknown_keys_are_refused() -> None:
    refused(doc(colour="blue"), "unknown parameter 'colour'")
    data = doc()
    data["weights"]["popularity"] = 0.0
    refused(data, "unknown parameter 'weights.popularity'")
    data = doc()
    data["timeliness"]["grace_days"] = 3
    refused(data, "unknown parameter 'timeliness.grace_days'")


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"window_days": 0}, "'window_days' must be an integer >= 1"),
        ({"window_days": 365.0}, "'window_days' must be an integer"),
        ({"window_days": True}, "'window_days' must be an integer"),
        ({"interval_level": 1.0}, "'interval_level' must be a number < 1"),
        ({"interval_level": 0}, "'interval_level' must be a number > 0"),
        ({"group_prior_strength": 0}, "'group_prior_strength' must be a number > 0"),
        ({"min_evidence__appeals": 0}, "'min_evidence.appeals' must be an integer >= 1"),
        ({"missing_components": "ignore"}, "'missing_components' must be one of"),
        ({"resolution__partly_value": 1.5}, "'resolution.partly_value' must be a number <= 1"),
        ({"resolution__case_mix": "group"}, "'resolution.case_mix' must be one of"),
        ({"resolution__categories": []}, "'resolution.categories' must be null or"),
        ({"resolution__categories": ["a", "a"]}, "lists a category twice"),
        ({"satisfaction__include_transferred": 1}, "must be true or false"),
        ({"timeliness__target_working_days": 0}, "'timeliness.target_working_days'"),
        ({"delivery__dispute_discount": -0.1}, "'delivery.dispute_discount' must be a number >= 0"),
        ({"version": ""}, "'version' must be a non-empty string"),
        ({"weights": "equal"}, "'weights' must be an object"),
        ({"interval_level": float("nan")}, "must be a finite number"),
    ],
)
def test_values_out_of_range_are_refused(changes: dict[str, Any], fragment: str) -> None:
    refused(doc(**changes), fragment)


def test_prior_strengths_must_be_positive() -> None:
    prior = dict(V1_DICT["prior_strength"], delivery=0.0)
    refused(doc(prior_strength=prior), "'prior_strength.delivery' must be a number > 0")
    weights = dict(V1_DICT["weights"], resolution=-0.1, satisfaction=0.7)
    refused(doc(weights=weights), "'weights.resolution' must be a number >= 0")


def test_json_loading() -> None:
    with pytest.raises(MethodologyError, match="not valid JSON"):
        Methodology.from_json("{")
    with pytest.raises(MethodologyError, match="JSON object"):
        Methodology.from_json("[]")
    assert Methodology.from_json(json.dumps(V2_DICT)) == METHODOLOGY_V2
    with pytest.raises(MethodologyError, match="unknown methodology version"):
        methodology_dict("v9")


def test_category_mapping() -> None:
    m = Methodology.from_dict(doc(resolution__categories=["roads", "water"]))
    assert m.map_category("roads") == "roads" and m.map_category("parks") == "other"
    assert DEFAULT_METHODOLOGY.map_category("parks") == "parks"
