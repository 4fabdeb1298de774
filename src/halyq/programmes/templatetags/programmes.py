"""Template tags of the tracker, including the block the deputy's profile shows."""

from __future__ import annotations

from django import template

from halyq.programmes import selectors

register = template.Library()

PROFILE_LIMIT = 10


@register.inclusion_tag("programmes/_person_items.html", takes_context=True)
def programme_items_for(context, person):
    """The items a deputy monitors, with status badges (public regions only for the public)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    items = selectors.item_list(user=user, person=person)
    shown = list(items[: PROFILE_LIMIT + 1])
    counts = selectors.status_counts(items) if shown else {}
    return {
        "person": person,
        "items": shown[:PROFILE_LIMIT],
        "more": len(shown) > PROFILE_LIMIT,
        "counts": counts,
        "request": request,
    }


@register.simple_tag
def status_badge(item):
    from django.utils.html import format_html

    return format_html(
        '<span class="badge status status-{}">{}</span>',
        item.display_status,
        item.display_status_label,
    )


def _field_labels():
    from django.utils.translation import gettext_lazy as _

    return {
        "status": _("Status"),
        "progress": _("Progress, %"),
        "current_value": _("Current value of the indicator"),
        "completed_on": _("Reported delivered on"),
        "planned_end_date": _("Planned completion"),
        "start_date": _("Start"),
        "weight": _("Weight"),
        "parent": _("Part of"),
        "monitors": _("Deputies monitoring it"),
        "district": _("District"),
        "target_value": _("Target value"),
    }


@register.simple_tag
def change_line(field, values):
    """One line of an item's history: "Status: in progress → done"."""
    from django.utils.html import format_html

    from halyq.programmes.models import DISPLAY_STATUS_LABELS

    labels = _field_labels()
    old, new = [*values, None, None][:2] if isinstance(values, list) else (None, values)

    def shown(value):
        if value in (None, "", []):
            return "—"
        if field == "status":
            return str(DISPLAY_STATUS_LABELS.get(value, value))
        if field == "monitors":
            return str(len(value))
        if field.startswith(("title", "description", "executive_body", "indicator", "unit")):
            return str(value)[:80]
        return str(value)

    label = labels.get(field)
    if label is None:
        from django.utils.translation import gettext as _

        label = _("Details") if field.endswith(("_kk", "_ru", "_en")) else field
    return format_html("{}: {} → {}", label, shown(old), shown(new))
