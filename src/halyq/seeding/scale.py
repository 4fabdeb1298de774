"""How big a generated country is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    parliament_deputies: int
    regional_deputies_per_region: int
    districts_per_region: int
    deputies_per_district: int
    reserve_activists: int


DEMO = Scale(
    name="demo",
    parliament_deputies=20,
    regional_deputies_per_region=8,
    districts_per_region=3,
    deputies_per_district=2,
    reserve_activists=150,
)
NATIONAL = Scale(
    name="national",
    parliament_deputies=60,
    regional_deputies_per_region=40,
    districts_per_region=10,
    deputies_per_district=13,
    reserve_activists=10_000,
)
SCALES = {scale.name: scale for scale in (DEMO, NATIONAL)}
