"""Which regions are out of pilot: asked here by any app, answered by the ratings app.

The pilot/public switch is the rating's (`ratings.PublicationMode`, read by
`ratings.visibility.public_region_ids`), and it applies to everything a region
publishes. Apps below ratings in the stack (programmes) ask this module, so they
never import ratings; the ratings app registers its answer when it loads.
"""

from __future__ import annotations

from collections.abc import Callable

_answer: Callable[[], frozenset[int]] | None = None


def provide(answer: Callable[[], frozenset[int]]) -> None:
    global _answer
    _answer = answer


def public_region_ids() -> frozenset[int]:
    """Ids of the regions whose data is public today (none without the ratings app)."""
    return _answer() if _answer is not None else frozenset()
