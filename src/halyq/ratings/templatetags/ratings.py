"""Template tags of the rating for other apps' pages.

- `{% rating_summary person %}`: the person's published score (or "not enough data")
  for the directory profile; renders nothing for a person of a pilot region.
- `{% evaluation_link appeal %}` / `{% booking_evaluation_link booking %}`: for the
  appeal's author (the visit's citizen) only, the link to evaluate it or to see and
  change their evaluation; nothing for anybody else or before it can be evaluated.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from halyq.ratings import charts, selectors

register = template.Library()


@register.inclusion_tag("ratings/_summary.html")
def rating_summary(person):
    rating = selectors.person_result(person)
    snapshot = selectors.public_snapshot() if rating is not None else None
    return {
        "person": person,
        "result": rating,
        "snapshot": snapshot,
        "rated": rating is not None and rating.status == selectors.RATED,
        "bar": charts.interval_bar(
            rating.score if rating else None,
            rating.low if rating else None,
            rating.high if rating else None,
            label=charts.interval_text(rating.score, rating.low, rating.high) if rating else "",
        ),
        "public": selectors.is_public_person(person),
    }


def _link(url: str, text: str, note: str = "") -> SafeString:
    if note:
        return format_html(
            '<a class="button" href="{}">{}</a> <span class="muted">{}</span>', url, text, note
        )
    return format_html('<a class="button" href="{}">{}</a>', url, text)


def _existing(target):
    from halyq.ratings.models import Evaluation

    try:
        return target.evaluation
    except Evaluation.DoesNotExist:
        return None


@register.simple_tag(takes_context=True)
def evaluation_link(context, appeal):
    """The evaluate link of an answered appeal, for its author only."""
    from halyq.appeals.workflow import State

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or appeal.author_id != user.id:
        return ""
    if appeal.state not in (State.ANSWERED, State.CLOSED) or appeal.answered_on is None:
        return ""
    if appeal.answered_by_id is None and appeal.assigned_person_id is None:
        return ""
    url = reverse("ratings:evaluate_appeal", kwargs={"appeal_id": appeal.pk})
    existing = _existing(appeal)
    if existing is None:
        return _link(url, _("Evaluate the answer"))
    return _link(url, _("Your evaluation"), _("%(score)s of 5") % {"score": existing.score})


@register.simple_tag(takes_context=True)
def booking_evaluation_link(context, booking):
    """The evaluate link of an attended reception visit, for its visitor only."""
    from halyq.receptions.models import Booking

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or booking.citizen_id != user.id:
        return ""
    if booking.status != Booking.Status.ATTENDED:
        return ""
    url = reverse("ratings:evaluate_booking", kwargs={"booking_id": booking.pk})
    existing = _existing(booking)
    if existing is None:
        return _link(url, _("Evaluate the reception"))
    return _link(url, _("Your evaluation"), _("%(score)s of 5") % {"score": existing.score})


@register.filter
def score(value) -> str:
    """A score as printed (one decimal); "—" when there is none."""
    return charts.figure(value)


@register.simple_tag
def result_bar(result):
    """The small interval bar of a leaderboard row (its figures are printed beside it)."""
    return charts.interval_bar(result.score, result.low, result.high)


@register.inclusion_tag("ratings/_nav.html", takes_context=True)
def rating_nav(context, current: str = ""):
    from halyq.accounts import roles

    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "current": current,
        "is_rated_person": signed_in and user.person_id is not None,
        "is_moderator": signed_in
        and (roles.is_administrator(user) or bool(roles.moderated_region_ids(user))),
    }
