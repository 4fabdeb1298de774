"""Server-drawn inline SVG charts for the tracker pages.

Rules: no script and no external asset; every chart has a title and a description for
screen readers (role="img"), and the page shows the same figures as text next to it
(a legend with counts, a table in a <details>), so nothing is only in the picture.
Colours match the status badges in site.css and keep 3:1 contrast against white.
"""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from halyq.programmes.models import DISPLAY_STATUSES

STATUS_COLOURS = {
    "not_started": "#6b7684",
    "in_progress": "#0b6e8a",
    "stalled": "#8a5a00",
    "overdue": "#b3261e",
    "partly_done": "#5b8c2a",
    "done": "#1f7a3a",
    "cancelled": "#9aa3ad",
}


def status_segments(counts: dict[str, int]) -> list[dict]:
    """The statuses with their count, share and colour, in display order."""
    total = sum(counts.get(value, 0) for value, _label in DISPLAY_STATUSES)
    segments = []
    for value, label in DISPLAY_STATUSES:
        count = counts.get(value, 0)
        segments.append(
            {
                "status": value,
                "label": label,
                "count": count,
                "percent": round(100 * count / total) if total else 0,
                "colour": STATUS_COLOURS[value],
            }
        )
    return segments


def status_bar(counts: dict[str, int], *, chart_id: str = "status-chart") -> SafeString:
    """A horizontal 100% stacked bar of items by status."""
    segments = [s for s in status_segments(counts) if s["count"]]
    total = sum(s["count"] for s in segments)
    description = "; ".join(f"{s['label']}: {s['count']}" for s in segments) or _("No items.")
    x = 0.0
    rects = []
    for segment in segments:
        width = 300 * segment["count"] / total
        rects.append(
            format_html(
                '<rect x="{}" y="0" width="{}" height="28" fill="{}"><title>{}: {}</title></rect>',
                f"{x:.2f}",
                f"{width:.2f}",
                segment["colour"],
                segment["label"],
                segment["count"],
            )
        )
        x += width
    if not rects:
        rects.append(
            format_html('<rect x="0" y="0" width="300" height="28" fill="{}"></rect>', "#e6eaef")
        )
    return format_html(
        '<svg class="chart chart-status" viewBox="0 0 300 28" preserveAspectRatio="none" '
        'role="img" aria-labelledby="{id}-title {id}-desc" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{rects}</svg>',
        id=chart_id,
        title=_("Items by status"),
        desc=description,
        rects=format_html_join("", "{}", ((rect,) for rect in rects)),
    )


def delivery_line(series: list[dict], *, chart_id: str = "delivery-chart") -> SafeString:
    """Running totals per month: items falling due and items delivered."""
    if not series:
        return SafeString("")
    width, height = 320, 170
    left, right, top, bottom = 34, 8, 10, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max(row["due_total"], row["delivered_total"]) for row in series) or 1
    steps = max(len(series) - 1, 1)

    def point(index: int, value: float) -> str:
        return f"{left + plot_w * index / steps:.1f},{top + plot_h * (1 - value / peak):.1f}"

    due_points = " ".join(point(i, row["due_total"]) for i, row in enumerate(series))
    delivered_points = " ".join(point(i, row["delivered_total"]) for i, row in enumerate(series))
    first, last = series[0]["month"], series[-1]["month"]
    final = series[-1]
    description = _(
        "From %(first)s to %(last)s: %(due)s items fell due and %(delivered)s were delivered."
    ) % {
        "first": date_format(first, "F Y"),
        "last": date_format(last, "F Y"),
        "due": _number(final["due_total"]),
        "delivered": _number(final["delivered_total"]),
    }
    return format_html(
        '<svg class="chart chart-line" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<line x1="{l}" y1="{bottom_y}" x2="{right_x}" y2="{bottom_y}" stroke="#9aa5b1"/>'
        '<line x1="{l}" y1="{t}" x2="{l}" y2="{bottom_y}" stroke="#9aa5b1"/>'
        '<text x="{label_x}" y="{t_text}" text-anchor="end" font-size="10" fill="#55606e">{peak}</text>'
        '<text x="{label_x}" y="{bottom_y}" text-anchor="end" font-size="10" fill="#55606e">0</text>'
        '<text x="{l}" y="{h_text}" font-size="10" fill="#55606e">{first}</text>'
        '<text x="{right_x}" y="{h_text}" text-anchor="end" font-size="10" fill="#55606e">{last}</text>'
        '<polyline points="{due}" fill="none" stroke="#6b7684" stroke-width="2" stroke-dasharray="5 3"/>'
        '<polyline points="{delivered}" fill="none" stroke="#1f7a3a" stroke-width="2.5"/>'
        "</svg>",
        w=width,
        h=height,
        id=chart_id,
        title=_("Delivery over time"),
        desc=description,
        l=left,
        t=top,
        t_text=top + 8,
        bottom_y=top + plot_h,
        right_x=width - right,
        label_x=left - 4,
        h_text=height - 8,
        peak=_number(peak),
        first=date_format(first, "m.Y"),
        last=date_format(last, "m.Y"),
        due=due_points,
        delivered=delivered_points,
    )


def legend_rows(series: list[dict]) -> SafeString:
    """The delivery chart's figures as table rows (its text alternative)."""
    return format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                date_format(row["month"], "F Y"),
                _number(row["due_total"]),
                _number(row["delivered_total"]),
            )
            for row in series
        ),
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
