"""A rating methodology version: every parameter, validated when it is loaded.

A methodology is published as a plain JSON object (see ``versions.py`` and
``docs/methodology.md``). :meth:`Methodology.from_dict` refuses anything that is
not exactly right -- a missing parameter, an unknown key, a value out of range,
weights that do not sum to one -- with a :class:`MethodologyError` that names the
problem, so that a typo can never silently change published ratings.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

COMPONENTS: Final[tuple[str, ...]] = (
    "resolution",
    "satisfaction",
    "timeliness",
    "direct_contact",
    "delivery",
)
"""The rating components, in their canonical order."""

WEIGHT_TOLERANCE: Final[float] = 1e-9


_FRACTIONAL_DEFENCES = frozenset({"burst_factor", "similar_comment_threshold"})


class MethodologyError(ValueError):
    """A methodology document is invalid; the message names the offending parameter."""


@dataclass(frozen=True)
class Methodology:
    """One version of the rating method. Build it with :meth:`from_dict`."""

    version: str
    window_days: int
    weights: Mapping[str, float]
    prior_strength: Mapping[str, float]
    group_prior_strength: float
    min_appeals: int
    min_receptions: int
    interval_level: float
    missing_components: str
    resolution_partly_value: float
    resolution_unconfirmed: str
    case_mix: str
    category_prior_strength: float
    categories: tuple[str, ...] | None
    other_category: str
    satisfaction_include_transferred: bool
    satisfaction_include_receptions: bool
    timeliness_speed_weight: float
    timeliness_target_working_days: int
    direct_contact_held_weight: float
    delivery_dispute_discount: float
    defences: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    def __hash__(self) -> int:
        return hash(self.to_json())

    # ------------------------------------------------------------------ loading
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Methodology:
        """Validate ``data`` (the published JSON shape) and build the methodology."""
        reader = _Reader(data, "methodology")
        version = reader.string("version")
        where = f"methodology {version!r}"
        reader.where = where
        window_days = reader.integer("window_days", minimum=1)

        weights_reader = reader.section("weights")
        weights = {c: weights_reader.number(c, minimum=0.0, maximum=1.0) for c in COMPONENTS}
        weights_reader.finish()
        total = math.fsum(weights.values())
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            raise MethodologyError(
                f"{where}: the component weights must sum to 1 (tolerance "
                f"{WEIGHT_TOLERANCE:g}); they sum to {total!r}"
            )

        prior_reader = reader.section("prior_strength")
        prior = {c: prior_reader.number(c, exclusive_minimum=0.0) for c in COMPONENTS}
        prior_reader.finish()

        group_prior = reader.number("group_prior_strength", exclusive_minimum=0.0)

        evidence = reader.section("min_evidence")
        min_appeals = evidence.integer("appeals", minimum=1)
        min_receptions = evidence.integer("receptions", minimum=1)
        evidence.finish()

        level = reader.number("interval_level", exclusive_minimum=0.0, exclusive_maximum=1.0)
        missing = reader.choice("missing_components", ("prior", "renormalise"))

        res = reader.section("resolution")
        partly = res.number("partly_value", minimum=0.0, maximum=1.0)
        unconfirmed = res.choice("unconfirmed", ("exclude", "failure"))
        case_mix = res.choice("case_mix", ("global", "none"))
        category_prior = res.number("category_prior_strength", exclusive_minimum=0.0)
        categories = res.optional_string_list("categories")
        other = res.string("other_category")
        res.finish()
        if categories is not None and len(set(categories)) != len(categories):
            raise MethodologyError(f"{where}: resolution.categories lists a category twice")

        sat = reader.section("satisfaction")
        include_transferred = sat.boolean("include_transferred")
        # Added in v3: documents of earlier versions do not have it (absent = false).
        include_receptions = sat.optional_boolean("include_receptions", default=False)
        sat.finish()

        tim = reader.section("timeliness")
        speed_weight = tim.number("speed_weight", minimum=0.0, maximum=1.0)
        target_days = tim.integer("target_working_days", minimum=1)
        tim.finish()

        con = reader.section("direct_contact")
        held_weight = con.number("held_weight", minimum=0.0, maximum=1.0)
        con.finish()

        dlv = reader.section("delivery")
        dispute_discount = dlv.number("dispute_discount", minimum=0.0, maximum=1.0)
        dlv.finish()

        guard = reader.section("defences")
        defences = {
            "burst_factor": guard.number("burst_factor", exclusive_minimum=1.0),
            "burst_minimum": float(guard.integer("burst_minimum", minimum=2)),
            "new_account_hours": float(guard.integer("new_account_hours", minimum=0)),
            "shared_network_accounts": float(guard.integer("shared_network_accounts", minimum=2)),
            "similar_comment_threshold": guard.number(
                "similar_comment_threshold", exclusive_minimum=0.0, maximum=1.0
            ),
            "per_author_per_person": float(guard.integer("per_author_per_person", minimum=1)),
        }
        guard.finish()

        reader.finish()
        return cls(
            version=version,
            window_days=window_days,
            weights=MappingProxyType(weights),
            prior_strength=MappingProxyType(prior),
            group_prior_strength=group_prior,
            min_appeals=min_appeals,
            min_receptions=min_receptions,
            interval_level=level,
            missing_components=missing,
            resolution_partly_value=partly,
            resolution_unconfirmed=unconfirmed,
            case_mix=case_mix,
            category_prior_strength=category_prior,
            categories=None if categories is None else tuple(categories),
            other_category=other,
            satisfaction_include_transferred=include_transferred,
            satisfaction_include_receptions=include_receptions,
            timeliness_speed_weight=speed_weight,
            timeliness_target_working_days=target_days,
            direct_contact_held_weight=held_weight,
            delivery_dispute_discount=dispute_discount,
            defences=MappingProxyType(defences),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Methodology:
        """Parse a JSON document and validate it like :meth:`from_dict`."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise MethodologyError(f"methodology: not valid JSON ({error})") from error
        if not isinstance(data, dict):
            raise MethodologyError("methodology: the document must be a JSON object")
        return cls.from_dict(data)

    # ------------------------------------------------------------------ export
    def to_dict(self) -> dict[str, Any]:
        """The published JSON shape; ``from_dict(m.to_dict()) == m``."""
        return {
            "version": self.version,
            "window_days": self.window_days,
            "weights": {c: self.weights[c] for c in COMPONENTS},
            "prior_strength": {c: self.prior_strength[c] for c in COMPONENTS},
            "group_prior_strength": self.group_prior_strength,
            "min_evidence": {"appeals": self.min_appeals, "receptions": self.min_receptions},
            "interval_level": self.interval_level,
            "missing_components": self.missing_components,
            "resolution": {
                "partly_value": self.resolution_partly_value,
                "unconfirmed": self.resolution_unconfirmed,
                "case_mix": self.case_mix,
                "category_prior_strength": self.category_prior_strength,
                "categories": None if self.categories is None else list(self.categories),
                "other_category": self.other_category,
            },
            "satisfaction": {
                "include_transferred": self.satisfaction_include_transferred,
                # Written only when true, so earlier versions' documents stay as published.
                **({"include_receptions": True} if self.satisfaction_include_receptions else {}),
            },
            "timeliness": {
                "speed_weight": self.timeliness_speed_weight,
                "target_working_days": self.timeliness_target_working_days,
            },
            "direct_contact": {"held_weight": self.direct_contact_held_weight},
            "delivery": {"dispute_discount": self.delivery_dispute_discount},
            "defences": {
                name: (value if name in _FRACTIONAL_DEFENCES else int(value))
                for name, value in self.defences.items()
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    def map_category(self, name: str) -> str:
        """The category an appeal is counted under (unlisted ones go to ``other_category``)."""
        if self.categories is None or name in self.categories:
            return name
        return self.other_category


class _Reader:
    """Reads one JSON object, remembering which keys were used to refuse unknown ones."""

    def __init__(self, data: object, path: str) -> None:
        self.where = "methodology"
        self.path = path
        if not isinstance(data, Mapping):
            raise MethodologyError(f"methodology: {path!r} must be an object")
        self.data: Mapping[str, Any] = data
        self.used: set[str] = set()

    def _name(self, key: str) -> str:
        return key if self.path == "methodology" else f"{self.path}.{key}"

    def _get(self, key: str) -> Any:
        self.used.add(key)
        if key not in self.data:
            raise MethodologyError(f"{self.where}: missing parameter {self._name(key)!r}")
        return self.data[key]

    def _bad(self, key: str, expected: str, value: object) -> MethodologyError:
        return MethodologyError(
            f"{self.where}: parameter {self._name(key)!r} must be {expected} (got {value!r})"
        )

    def section(self, key: str) -> _Reader:
        value = self._get(key)
        if not isinstance(value, Mapping):
            raise self._bad(key, "an object", value)
        child = _Reader(value, self._name(key))
        child.where = self.where
        return child

    def string(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str) or not value.strip():
            raise self._bad(key, "a non-empty string", value)
        return value

    def boolean(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self._bad(key, "true or false", value)
        return value

    def optional_boolean(self, key: str, *, default: bool) -> bool:
        """A parameter added by a later version: absent in earlier documents."""
        if key not in self.data:
            self.used.add(key)
            return default
        return self.boolean(key)

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        value = self._get(key)
        if value not in options:
            raise self._bad(key, "one of " + ", ".join(repr(o) for o in options), value)
        return str(value)

    def integer(self, key: str, *, minimum: int) -> int:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._bad(key, "an integer", value)
        if value < minimum:
            raise self._bad(key, f"an integer >= {minimum}", value)
        return value

    def number(
        self,
        key: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        exclusive_minimum: float | None = None,
        exclusive_maximum: float | None = None,
    ) -> float:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._bad(key, "a number", value)
        number = float(value)
        if not math.isfinite(number):
            raise self._bad(key, "a finite number", value)
        if minimum is not None and number < minimum:
            raise self._bad(key, f"a number >= {minimum:g}", value)
        if maximum is not None and number > maximum:
            raise self._bad(key, f"a number <= {maximum:g}", value)
        if exclusive_minimum is not None and number <= exclusive_minimum:
            raise self._bad(key, f"a number > {exclusive_minimum:g}", value)
        if exclusive_maximum is not None and number >= exclusive_maximum:
            raise self._bad(key, f"a number < {exclusive_maximum:g}", value)
        return number

    def optional_string_list(self, key: str) -> list[str] | None:
        value = self._get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not value:
            raise self._bad(key, "null or a non-empty list of strings", value)
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise self._bad(key, "null or a non-empty list of strings", value)
        return list(value)

    def finish(self) -> None:
        unknown = sorted(str(k) for k in self.data if k not in self.used)
        if unknown:
            names = ", ".join(repr(self._name(k)) for k in unknown)
            raise MethodologyError(f"{self.where}: unknown parameter {names}")
