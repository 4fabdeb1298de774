"""Checks against bought or coordinated evaluations.

An evaluation comes only from the verified author of an answered appeal (or the
visitor of an attended reception), once. What remains is caught by these rules; their
thresholds are parameters of the methodology version (`defences`), published with it:

- burst: the person received more evaluations in the last 24 hours than
  `burst_factor` times their average daily number over the previous 90 days, and at
  least `burst_minimum`;
- new account: the author's account was created less than `new_account_hours` before
  the evaluation;
- shared network: `shared_network_accounts` or more different accounts evaluated the
  same person from one network and browser (a keyed hash, never the address) within 7 days;
- similar comments: the comment's word trigrams overlap another comment on the same
  person from the last 30 days by `similar_comment_threshold` (Jaccard) or more;
- repeat author: the author has already evaluated the same person
  `per_author_per_person` times within 90 days (appeals filed only to be rated).

A flagged evaluation is held out of the rating and queued for the region's moderator
with this evidence; the moderator restores or excludes it, and that decision is logged.
"""

from __future__ import annotations

import re
from datetime import timedelta

from halyq.ratings.models import Evaluation, EvaluationSignal

_WORD = re.compile(r"\w+", re.UNICODE)


def trigrams(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    if len(words) < 3:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def similarity(first: str, second: str) -> float:
    a, b = trigrams(first), trigrams(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def signals_for(evaluation: Evaluation, thresholds) -> list[tuple[str, dict]]:
    """The rules this evaluation trips, each with its evidence."""
    now = evaluation.created_at
    others = Evaluation.objects.filter(person_id=evaluation.person_id).exclude(pk=evaluation.pk)
    found: list[tuple[str, dict]] = []

    recent = others.filter(created_at__gte=now - timedelta(hours=24)).count() + 1
    baseline = (
        others.filter(
            created_at__gte=now - timedelta(days=91), created_at__lt=now - timedelta(days=1)
        ).count()
        / 90
    )
    if recent >= thresholds["burst_minimum"] and recent > thresholds["burst_factor"] * max(
        baseline, 0.1
    ):
        found.append(("burst", {"last_24_hours": recent, "daily_average": round(baseline, 2)}))

    author = evaluation.author
    if author is not None:
        age_hours = (now - author.date_joined).total_seconds() / 3600
        if age_hours < thresholds["new_account_hours"]:
            found.append(("new_account", {"account_age_hours": int(age_hours)}))
        repeats = others.filter(author=author, created_at__gte=now - timedelta(days=90)).count()
        if repeats >= thresholds["per_author_per_person"]:
            found.append(("repeat_author", {"earlier_evaluations": repeats}))

    if evaluation.network_key:
        accounts = set(
            others.filter(
                network_key=evaluation.network_key, created_at__gte=now - timedelta(days=7)
            )
            .exclude(author=author)
            .values_list("author_id", flat=True)
        )
        if len(accounts) + 1 >= thresholds["shared_network_accounts"]:
            found.append(("shared_network", {"accounts": len(accounts) + 1}))

    if evaluation.comment:
        for other in (
            others.filter(created_at__gte=now - timedelta(days=30))
            .exclude(comment="")
            .values_list("comment", flat=True)[:500]
        ):
            score = similarity(evaluation.comment, other)
            if score >= thresholds["similar_comment_threshold"]:
                found.append(("similar_comment", {"similarity": round(score, 2)}))
                break
    return found


def screen_evaluation(evaluation: Evaluation) -> str:
    """Run every rule; record what tripped; return the status the evaluation starts with."""
    from halyq.ratings.methodologies import current_methodology

    _, methodology = current_methodology()
    found = signals_for(evaluation, methodology.defences)
    EvaluationSignal.objects.bulk_create(
        EvaluationSignal(evaluation=evaluation, rule=rule, evidence=evidence)
        for rule, evidence in found
    )
    return Evaluation.Status.HELD if found else Evaluation.Status.ACCEPTED
