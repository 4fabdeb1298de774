"""Server-drawn inline SVG for the rating pages: interval bars, the score over time, marks.

Rules: no script, no external asset, no CDN. Every chart that carries information has
role="img" with a title and a description, and the page shows the same figures as text
next to it (the score and its interval in words, a table of the history in a
<details>), so nothing is only in the picture. The small interval bars of the
leaderboard repeat the figures printed beside them, so they are hidden from screen
readers. Scores are on the fixed 0-100 scale everywhere: a zoomed axis would make
small moves look large.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

INTERVAL_FILL = "#9fcfdc"  # the interval: a light tint of the brand colour
SCORE_INK = "#084f63"  # --brand-dark; 8.5:1 against white
TRACK = "#e6eaef"
GRID = "#d9dee5"
TEXT = "#55606e"  # --muted; 6.4:1 against white
STAR_FILL = "#0b6e8a"


def figure(value: float | None) -> str:
    """A score as printed: one decimal place."""
    return "—" if value is None else f"{value:.1f}"


def _n(value: float, places: int = 1) -> str:
    """A coordinate for SVG (format_html escapes its arguments to text first)."""
    return f"{value:.{places}f}"


def interval_text(score: float | None, low: float | None, high: float | None) -> str:
    if score is None:
        return _("not enough data")
    return _("%(score)s, likely between %(low)s and %(high)s") % {
        "score": figure(score),
        "low": figure(low),
        "high": figure(high),
    }


def interval_bar(
    score: float | None, low: float | None, high: float | None, *, label: str = ""
) -> SafeString:
    """A 0-100 track with the interval as a band and the score as a mark.

    With `label` the bar is an image with that accessible name; without it the bar is
    decoration beside printed figures and hidden from screen readers.
    """
    if score is None or low is None or high is None:
        return SafeString("")
    low, high, score = (max(0.0, min(100.0, v)) for v in (low, high, score))
    accessible = (
        format_html('role="img" aria-label="{}"', label)
        if label
        else mark_safe('aria-hidden="true"')
    )
    return format_html(
        '<svg class="rating-bar" viewBox="0 0 100 12" preserveAspectRatio="none" {} focusable="false">'
        '<rect x="0" y="4" width="100" height="4" rx="2" fill="{}"/>'
        '<rect x="{}" y="1" width="{}" height="10" rx="2" fill="{}"/>'
        '<rect x="{}" y="0" width="1.6" height="12" fill="{}"/>'
        "</svg>",
        accessible,
        TRACK,
        _n(low, 2),
        _n(max(high - low, 0.8), 2),
        INTERVAL_FILL,
        _n(max(0.0, score - 0.8), 2),
        SCORE_INK,
    )


def weight_bar(percent: float) -> SafeString:
    """A component's weight as a share of a full bar (the percentage is printed beside it)."""
    return format_html(
        '<svg class="weight-bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true" '
        'focusable="false"><rect x="0" y="0" width="100" height="6" rx="3" fill="{}"/>'
        '<rect x="0" y="0" width="{}" height="6" rx="3" fill="{}"/></svg>',
        TRACK,
        _n(max(0.0, min(100.0, percent))),
        STAR_FILL,
    )


def score_history(points: Sequence, *, chart_id: str = "score-history") -> SafeString:
    """The score over time with its interval as a band; gaps where there was not enough data.

    `points` have `as_of`, `status`, `score`, `low`, `high` (selectors.HistoryPoint).
    """
    if not points:
        return SafeString("")
    width, height = 320, 190
    left, right, top, bottom = 30, 12, 10, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = points[0].as_of.toordinal(), points[-1].as_of.toordinal()
    span = max(last - first, 1)

    def x(point) -> float:
        if first == last:
            return left + plot_w / 2
        return left + plot_w * (point.as_of.toordinal() - first) / span

    def y(value: float) -> float:
        return top + plot_h * (1 - max(0.0, min(100.0, value)) / 100)

    # Consecutive rated points make one run: one band, one line.
    runs: list[list] = [[]]
    for point in points:
        if point.score is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    runs = [run for run in runs if run]

    parts: list[SafeString] = []
    for value in (0, 25, 50, 75, 100):
        parts.append(
            format_html(
                '<line x1="{l}" y1="{y}" x2="{r}" y2="{y}" stroke="{grid}" stroke-width="1"/>'
                '<text x="{tx}" y="{ty}" text-anchor="end" font-size="12" fill="{text}">{v}</text>',
                l=left,
                r=width - right,
                y=_n(y(value)),
                grid=GRID,
                tx=left - 5,
                ty=_n(y(value) + 4),
                text=TEXT,
                v=value,
            )
        )
    for run in runs:
        if len(run) == 1:
            point = run[0]
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="10" height="{}" rx="3" fill="{}"/>',
                    _n(x(point) - 5),
                    _n(y(point.high)),
                    _n(max(y(point.low) - y(point.high), 1.0)),
                    INTERVAL_FILL,
                )
            )
        else:
            outline = [f"{x(p):.1f},{y(p.high):.1f}" for p in run]
            outline += [f"{x(p):.1f},{y(p.low):.1f}" for p in reversed(run)]
            parts.append(
                format_html('<polygon points="{}" fill="{}"/>', " ".join(outline), INTERVAL_FILL)
            )
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" stroke-linejoin="round"/>',
                    " ".join(f"{x(p):.1f},{y(p.score):.1f}" for p in run),
                    SCORE_INK,
                )
            )
        for point in run:
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3.5" fill="{}"><title>{}: {}</title></circle>',
                    _n(x(point)),
                    _n(y(point.score)),
                    SCORE_INK,
                    date_format(point.as_of, "j E Y"),
                    interval_text(point.score, point.low, point.high),
                )
            )
    for point in points:
        if point.score is None:  # not enough data that day: a hollow mark on the axis
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3" fill="#fff" stroke="{}" stroke-width="1.5"/>',
                    _n(x(point)),
                    _n(top + plot_h),
                    TEXT,
                )
            )
    parts.append(
        format_html(
            '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
            left,
            height - 8,
            TEXT,
            date_format(points[0].as_of, "d.m.Y"),
        )
    )
    if last != first:
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{}">{}</text>',
                width - right,
                height - 8,
                TEXT,
                date_format(points[-1].as_of, "d.m.Y"),
            )
        )
    return format_html(
        '<svg class="chart rating-history" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{parts}</svg>',
        w=width,
        h=height,
        id=chart_id,
        title=_("The score over time, with its likely range"),
        desc=history_description(points),
        parts=format_html_join("", "{}", ((part,) for part in parts)),
    )


def history_description(points: Sequence) -> str:
    rated = [p for p in points if p.score is not None]
    if not rated:
        return _("No score yet in %(count)s published snapshots: not enough data.") % {
            "count": len(points)
        }
    first, last = rated[0], rated[-1]
    if first is last:
        return _("One published score, on %(date)s: %(value)s.") % {
            "date": date_format(last.as_of, "j E Y"),
            "value": interval_text(last.score, last.low, last.high),
        }
    return _("From %(first_date)s to %(last_date)s the score went from %(first)s to %(last)s.") % {
        "first_date": date_format(first.as_of, "j E Y"),
        "last_date": date_format(last.as_of, "j E Y"),
        "first": figure(first.score),
        "last": interval_text(last.score, last.low, last.high),
    }


def marks_chart(evidence: dict, *, chart_id: str = "marks") -> SafeString:
    """How many marks of each value (5 to 1 stars), as horizontal bars with their counts."""
    counts = [int(evidence.get(f"stars_{stars}", 0) or 0) for stars in (5, 4, 3, 2, 1)]
    total = sum(counts)
    if not total:
        return SafeString("")
    peak = max(counts)
    width, row_h = 300, 20
    label_w, count_w = 34, 40
    bar_w = width - label_w - count_w
    rows = []
    for index, (stars, count) in enumerate(zip((5, 4, 3, 2, 1), counts, strict=True)):
        y = index * row_h
        rows.append(
            format_html(
                '<text x="0" y="{ty}" font-size="12" fill="{text}">{stars}★</text>'
                '<rect x="{bx}" y="{by}" width="{bw}" height="12" rx="2" fill="{track}"/>'
                '<rect x="{bx}" y="{by}" width="{fw}" height="12" rx="2" fill="{fill}"/>'
                '<text x="{cx}" y="{ty}" text-anchor="end" font-size="12" fill="{text}">{count}</text>',
                ty=y + 14,
                text=TEXT,
                stars=stars,
                bx=label_w,
                by=y + 4,
                bw=bar_w,
                track=TRACK,
                fw=_n(bar_w * count / peak),
                fill=STAR_FILL,
                cx=width,
                count=count,
            )
        )
    description = ", ".join(
        f"{stars}★: {count}" for stars, count in zip((5, 4, 3, 2, 1), counts, strict=True)
    )
    return format_html(
        '<svg class="chart rating-marks" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{rows}</svg>',
        w=width,
        h=row_h * 5 + 4,
        id=chart_id,
        title=_("Citizens' marks"),
        desc=description,
        rows=format_html_join("", "{}", ((row,) for row in rows)),
    )
