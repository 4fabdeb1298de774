"""Halyq's rating engine: pure Python + NumPy, no Django (an import-linter contract).

Public API (see ``docs/methodology.md`` for the method):

* inputs: :class:`PersonRecord`, :class:`AppealRecord`, :class:`ReceptionRecord`,
  :class:`DeliveryRecord`, or the columnar :class:`PeopleColumns`,
  :class:`AppealColumns`, :class:`ReceptionColumns` (with its
  :class:`VisitMarkColumns`), :class:`DeliveryColumns`;
* a :class:`Methodology` (``Methodology.from_dict``/``from_json``, validated on
  load) -- the published ones are in :mod:`halyq.scoring.versions`;
* :func:`compute` / :func:`compute_columns` -> :class:`RatingResult`;
* live updates: :func:`group_stats` -> :class:`GroupStats`, then
  :func:`compute_person`;
* :mod:`halyq.scoring.reference` (slow, obviously correct) and
  :mod:`halyq.scoring.simulation` (synthetic country, attacks).
"""

from halyq.scoring.columns import (
    NO_DATE,
    NO_DAYS,
    NO_EVALUATION,
    RES_NO,
    RES_PARTLY,
    RES_UNCONFIRMED,
    RES_YES,
    AppealColumns,
    ColumnsError,
    DeliveryColumns,
    PeopleColumns,
    ReceptionColumns,
    VisitMarkColumns,
)
from halyq.scoring.engine import (
    GroupStats,
    compute,
    compute_columns,
    compute_person,
    compute_person_columns,
    group_stats,
    group_stats_columns,
)
from halyq.scoring.methodology import COMPONENTS, Methodology, MethodologyError
from halyq.scoring.model import (
    STATUS_INSUFFICIENT,
    STATUS_RATED,
    AppealRecord,
    ComponentResult,
    DeliveryRecord,
    PersonRecord,
    PersonResult,
    RatingResult,
    ReceptionRecord,
)
from halyq.scoring.versions import (
    DEFAULT_METHODOLOGY,
    METHODOLOGY_V2,
    METHODOLOGY_V3,
    get_methodology,
)

__all__ = [
    "COMPONENTS",
    "DEFAULT_METHODOLOGY",
    "METHODOLOGY_V2",
    "METHODOLOGY_V3",
    "NO_DATE",
    "NO_DAYS",
    "NO_EVALUATION",
    "RES_NO",
    "RES_PARTLY",
    "RES_UNCONFIRMED",
    "RES_YES",
    "STATUS_INSUFFICIENT",
    "STATUS_RATED",
    "AppealColumns",
    "AppealRecord",
    "ColumnsError",
    "ComponentResult",
    "DeliveryColumns",
    "DeliveryRecord",
    "GroupStats",
    "Methodology",
    "MethodologyError",
    "PeopleColumns",
    "PersonRecord",
    "PersonResult",
    "RatingResult",
    "ReceptionColumns",
    "ReceptionRecord",
    "VisitMarkColumns",
    "compute",
    "compute_columns",
    "compute_person",
    "compute_person_columns",
    "get_methodology",
    "group_stats",
    "group_stats_columns",
]
