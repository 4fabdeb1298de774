"""The engine's published result and methodology, put into words for the pages.

A score is never shown alone: each component comes with what it is made of, as counts
(appeals resolved, marks of each value, receptions held...), its weight in the
methodology version and the comparison group's average. Figures in the published
result are 4-decimal strings (halyq.scoring.publish); they are read back as floats
here, for display only.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from halyq.ratings import charts
from halyq.scoring.methodology import COMPONENTS

COMPONENT_LABELS = {
    "resolution": _("Problems resolved"),
    "satisfaction": _("Citizens' marks"),
    "timeliness": _("Answers on time"),
    "direct_contact": _("Receptions held"),
    "delivery": _("Programme delivery"),
}
COMPONENT_QUESTIONS = {
    "resolution": _(
        "Of the appeals this person answered, how many did the citizen confirm were actually solved?"
    ),
    "satisfaction": _("What marks (1 to 5) did citizens give for the answers and receptions?"),
    "timeliness": _("Were appeals answered within the legal term, and how fast?"),
    "direct_contact": _(
        "Were the announced receptions held, and were the people who booked received?"
    ),
    "delivery": _("Were the promises of the person's programme delivered on time, and undisputed?"),
}
# (evidence key, label) in display order, per component.
EVIDENCE_LABELS = {
    "resolution": [
        ("cases", _("appeals with the citizen's verdict")),
        ("resolved", _("resolved")),
        ("partly", _("partly resolved")),
        ("not_resolved", _("not resolved")),
        ("unconfirmed", _("answered, verdict not given (not counted)")),
        ("transferred", _("transferred out of competence (not counted)")),
        ("observed", _("resolved, counting partly as half")),
        (
            "expected",
            _("what an average member of the group would have resolved on the same problems"),
        ),
    ],
    "satisfaction": [
        ("evaluations", _("marks")),
        ("reception_evaluations", _("of them, marks of reception visits")),
        ("stars_5", _("5 stars")),
        ("stars_4", _("4 stars")),
        ("stars_3", _("3 stars")),
        ("stars_2", _("2 stars")),
        ("stars_1", _("1 star")),
    ],
    "timeliness": [
        ("assessed", _("appeals assessed")),
        ("on_time", _("answered within the term")),
        ("late", _("answered late")),
        ("overdue_open", _("overdue, not answered yet")),
        ("under_target", _("answered within 15 working days")),
    ],
    "direct_contact": [
        ("scheduled", _("receptions scheduled")),
        ("held", _("held")),
        ("slots", _("places offered")),
        ("booked", _("citizens booked")),
        ("attended", _("citizens received")),
    ],
    "delivery": [
        ("items", _("programme items due")),
        ("on_time", _("delivered on time")),
    ],
}
WORKLOAD_LABELS = [
    ("appeals", _("appeals in the last 12 months")),
    ("assessed", _("answered or overdue")),
    ("open", _("open, not yet due")),
    ("transferred", _("transferred out of competence")),
    ("held_out", _("held out by the checks against manipulation")),
    ("evaluations", _("marks by citizens")),
    ("receptions", _("receptions scheduled")),
]
PARAMETER_LABELS = {
    "window_days": _("Period looked at, days"),
    "group_prior_strength": _("Pull of the national average on a group's average (pseudo-cases)"),
    "interval_level": _("Confidence of the interval"),
    "missing_components": _("A component without data"),
    "min_evidence.appeals": _("Appeals needed to be rated"),
    "min_evidence.receptions": _("Or receptions needed to be rated"),
    "satisfaction.include_receptions": _("The marks of reception visits count too"),
}


def number(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _count(value) -> str:
    figure = number(value)
    if figure is None:
        return "—"
    return str(int(figure)) if figure.is_integer() else f"{figure:.1f}"


def component_rows(data: dict, parameters: dict) -> list[dict]:
    """One entry per component: label, question, weight, value and interval, evidence."""
    weights = parameters.get("weights", {})
    rows = []
    for name in COMPONENTS:
        component = (data.get("components") or {}).get(name)
        if component is None:
            continue
        evidence = component.get("evidence", {})
        value, low, high = (number(component.get(key)) for key in ("value", "low", "high"))
        marks = (
            charts.marks_chart(evidence, chart_id=f"marks-{name}") if name == "satisfaction" else ""
        )
        facts = [
            (label, _count(evidence.get(key)))
            for key, label in EVIDENCE_LABELS.get(name, [])
            # the chart prints each mark's count; the list keeps the totals
            if key in evidence and not (marks and key.startswith("stars_"))
        ]
        if name == "timeliness" and number(evidence.get("working_days_known")):
            average = number(evidence.get("working_days_total")) / number(
                evidence.get("working_days_known")
            )
            facts.append((_("average time to answer, working days"), f"{average:.1f}"))
        rows.append(
            {
                "name": name,
                "label": COMPONENT_LABELS.get(name, name),
                "question": COMPONENT_QUESTIONS.get(name, ""),
                "weight": round(100 * float(weights.get(name, 0))),
                "value": value,
                "low": low,
                "high": high,
                "text": charts.interval_text(value, low, high),
                "bar": charts.interval_bar(value, low, high),
                "group_mean": number(evidence.get("group_mean")),
                "facts": facts,
                "marks_chart": marks,
            }
        )
    return rows


def workload_rows(workload: dict) -> list[tuple[str, str]]:
    return [(label, _count(workload.get(key))) for key, label in WORKLOAD_LABELS if key in workload]


def weight_rows(parameters: dict) -> list[dict]:
    weights = parameters.get("weights", {})
    prior = parameters.get("prior_strength", {})
    return [
        {
            "name": name,
            "label": COMPONENT_LABELS[name],
            "question": COMPONENT_QUESTIONS[name],
            "weight": round(100 * float(weights.get(name, 0))),
            "bar": charts.weight_bar(100 * float(weights.get(name, 0))),
            "prior": _count(prior.get(name)),
        }
        for name in COMPONENTS
    ]


def methodology_rows(parameters: dict, prefix: str = "") -> list[tuple[str, str, str]]:
    """Every parameter as (dotted name, plain label or "", value), depth first."""
    rows: list[tuple[str, str, str]] = []
    for key, value in parameters.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(methodology_rows(value, prefix=f"{name}."))
            continue
        if isinstance(value, bool):
            shown = "true" if value else "false"
        elif value is None:
            shown = "null"
        elif isinstance(value, list):
            shown = ", ".join(map(str, value))
        else:
            shown = str(value)
        rows.append((name, str(PARAMETER_LABELS.get(name, "")), shown))
    return rows
