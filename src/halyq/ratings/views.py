"""Pages of the rating (mounted at /rating/): public leaderboard, profiles and methodology;
the citizen's evaluation; the rated person's draft and disputes; the moderators' queue.

Thin views: forms parse, selectors read, services write. Public pages read the latest
published public snapshot of public regions only. Whatever a visitor may not see or do
answers 404, so nobody learns that a pilot region's person, someone else's appeal or
another region's queue item exists.
"""

from __future__ import annotations

import csv
import hashlib
import hmac

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from halyq.accounts import roles
from halyq.core.exceptions import PublicBadRequest
from halyq.core.i18n import current_language
from halyq.directory.models import Person
from halyq.ratings import charts, forms, selectors
from halyq.ratings.components import component_rows, methodology_rows, weight_rows, workload_rows
from halyq.ratings.disputes import (
    dispute_decide,
    dispute_open,
    outcome_dispute_open,
    outcome_person_id,
)
from halyq.ratings.models import Evaluation, MethodologyVersion
from halyq.ratings.services import (
    _edit_window,
    evaluation_decide,
    evaluation_moderate_comment,
    evaluation_submit,
    evaluation_update,
)
from halyq.ratings.snapshots import reply_period
from halyq.scoring.publish import published


# --------------------------------------------------------------------------- helpers
def _valid(form):
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label if name in form.fields else name}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
        raise PublicBadRequest(_("Check the filters: %(problems)s") % {"problems": problems})
    return form.cleaned_data


def _page_size() -> int:
    return getattr(settings, "HALYQ_PAGE_SIZE", 25)


def network_key(request) -> str:
    """A keyed hash of the client's network and browser (never the address itself), so
    the checks can see many accounts evaluating from one place."""
    from halyq.core.ratelimit import client_key

    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    text = f"evaluation-network:{client_key(request)}|{agent}"
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


def _is_moderator(user) -> bool:
    return roles.is_administrator(user) or bool(roles.moderated_region_ids(user))


# --------------------------------------------------------------------------- public pages
def leaderboard(request):
    form = forms.LeaderboardForm(request.GET)
    data = _valid(form)
    board = selectors.leaderboard(filters=form.filters(), user=request.user)
    # The list and the filters are the same for every visitor of this URL: rendered
    # once per board (see selectors.leaderboard for what the board's key covers).
    fragment_key = ""
    if board.cache_key:
        raw_query = sorted((key, value) for key, values in request.GET.lists() for value in values)
        fragment_key = (
            "ratings:board-html:"
            + hashlib.sha256(
                f"{board.cache_key}|{current_language()}|{raw_query}".encode()
            ).hexdigest()
        )
        body = cache.get(fragment_key)
        if body is not None:
            return render(request, "ratings/leaderboard.html", {"body": body})
    try:
        page, sections = selectors.leaderboard_page(board, data["page"] or 1, _page_size())
    except EmptyPage as missing:
        raise Http404 from missing
    query = request.GET.copy()
    query.pop("page", None)
    body = render_to_string(
        "ratings/_leaderboard_body.html",
        {
            "form": form,
            "selects": form.selects(),
            "board": board,
            "page": page,
            "sections": sections,
            "snapshot": board.snapshot,
            "csv_query": query.urlencode(),
        },
        request=request,
    )
    if fragment_key:
        cache.set(fragment_key, body, selectors.LEADERBOARD_TIMEOUT)
    return render(request, "ratings/leaderboard.html", {"body": body})


CSV_COLUMNS = [
    "rank",
    "band",
    "comparison_group",
    "status",
    "score",
    "low",
    "high",
    "appeals",
    "name",
    "kind",
    "region",
    "person_id",
    "profile",
]


def leaderboard_csv(request):
    """Every row of the leaderboard for these filters (all pages), in the same order."""
    form = forms.LeaderboardForm(request.GET)
    _valid(form)
    board = selectors.leaderboard(filters=form.filters(), user=request.user)
    base = request.build_absolute_uri("/")[:-1]
    language = current_language()

    def lines():
        # The rows are written after the view has returned: keep the request's language.
        with translation.override(language):
            yield from _csv_lines(board, base)

    as_of = board.snapshot.as_of.isoformat() if board.snapshot else "none"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="halyq-rating-{as_of}.csv"'
    return response


def _csv_lines(board, base: str):
    class Echo:
        def write(self, value):
            return value

    def figure(value):
        return "" if value is None else published(value)

    writer = csv.writer(Echo())
    placeholder = "00000000-0000-0000-0000-000000000000"
    profile = base + reverse("ratings:person", kwargs={"public_id": placeholder})
    yield "\ufeff"  # spreadsheet programs then read the file as UTF-8
    yield writer.writerow(CSV_COLUMNS)
    for row in selectors.export_rows(board):
        public_id = str(row["person__public_id"])
        yield writer.writerow(
            [
                row["rank"] or "",
                row["band"] or "",
                row["group"],
                row["status"],
                figure(row["score"]),
                figure(row["low"]),
                figure(row["high"]),
                row["appeals"],
                row["name"],
                row["person__kind"],
                row["person__region__code"],
                public_id,
                profile.replace(placeholder, public_id),
            ]
        )


def person_profile(request, public_id):
    person = Person.objects.select_related("region").filter(public_id=public_id).first()
    if person is None:
        raise Http404
    rating = selectors.person_rating(person)
    if rating is None:  # a pilot region: nothing of it is public
        raise Http404
    result = rating.result
    parameters = rating.snapshot.methodology.parameters if rating.snapshot else {}
    return render(
        request,
        "ratings/profile.html",
        {
            "person": person,
            "rating": rating,
            "result": result,
            "rated": result is not None and result.status == selectors.RATED,
            "components": component_rows(result.data, parameters) if result else [],
            "workload": workload_rows(result.data.get("workload", {})) if result else [],
            "history_chart": charts.score_history(rating.history),
            "history_gaps": any(point.score is None for point in rating.history),
            "score_bar": charts.interval_bar(
                result.score if result else None,
                result.low if result else None,
                result.high if result else None,
                label=charts.interval_text(result.score, result.low, result.high) if result else "",
            ),
            "min_evidence": parameters.get("min_evidence", {}),
        },
    )


def methodology(request, version: str | None = None):
    versions = list(selectors.methodology_versions())
    if version is None:
        shown = next((v for v in versions if v.is_current), versions[0] if versions else None)
    else:
        shown = next((v for v in versions if v.version == version), None)
        if shown is None:
            raise Http404
    form = forms.CheckedPeopleForm(request.GET)
    data = _valid(form)
    from django.core.paginator import Paginator

    checked = Paginator(selectors.check_counts_by_person(q=data["q"]), _page_size())
    try:
        checked_page = checked.page(data["page"] or 1)
    except EmptyPage as missing:
        raise Http404 from missing
    parameters = shown.parameters if shown else {}
    return render(
        request,
        "ratings/methodology.html",
        {
            "shown": shown,
            "versions": versions,
            "weights": weight_rows(parameters),
            "parameters": methodology_rows(parameters),
            "defences": parameters.get("defences", {}),
            "min_evidence": parameters.get("min_evidence", {}),
            "snapshots": selectors.published_snapshots(),
            "form": form,
            "page": checked_page,
            "reply_days": reply_period().days,
            "edit_days": _edit_window().days,
        },
    )


# --------------------------------------------------------------------------- evaluations
def _evaluation_context(request, *, target, kind: str, existing: Evaluation | None, form):
    now = timezone.now()
    editable = existing is not None and now - existing.created_at <= _edit_window()
    if kind == "appeal":
        from halyq.appeals.workflow import State

        person = target.answered_by or target.assigned_person
        ready = (
            target.state in (State.ANSWERED, State.CLOSED)
            and target.answered_on is not None
            and person is not None
        )
    else:
        from halyq.receptions.models import Booking

        person = target.reception.person
        ready = target.status == Booking.Status.ATTENDED
    return {
        "target": target,
        "kind": kind,
        "person": person,
        "existing": existing,
        "editable": editable,
        "edit_until": existing.created_at + _edit_window() if existing else None,
        "ready": ready,
        "email_confirmed": request.user.email_confirmed,
        "form": form,
        "reply_days": reply_period().days,
        "edit_days": _edit_window().days,
    }


def _evaluate(request, *, target, kind: str, existing: Evaluation | None):
    status = 200
    if request.method == "POST":
        form = forms.EvaluationForm(request.POST)
        if form.is_valid():
            score, comment = form.cleaned_data["score"], form.cleaned_data["comment"]
            try:
                if existing is not None:
                    evaluation_update(
                        user=request.user, evaluation=existing, score=score, comment=comment
                    )
                    messages.success(request, _("Your evaluation is changed."))
                else:
                    evaluation_submit(
                        user=request.user,
                        score=score,
                        comment=comment,
                        network_key=network_key(request),
                        **{kind: target},
                    )
                    messages.success(
                        request,
                        _(
                            "Thank you: your evaluation is recorded. The deputy may reply within "
                            "%(days)s days; then it counts in the published rating."
                        )
                        % {"days": reply_period().days},
                    )
            except ValidationError as refused:
                for problem in refused.messages:
                    form.add_error(None, problem)
                status = 400
            else:
                return redirect(request.path)
        else:
            status = 400
    else:
        initial = {"score": existing.score, "comment": existing.comment} if existing else None
        form = forms.EvaluationForm(initial=initial)
    context = _evaluation_context(request, target=target, kind=kind, existing=existing, form=form)
    return render(request, "ratings/evaluate.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def evaluate_appeal(request, appeal_id: int):
    from halyq.appeals.models import Appeal

    appeal = (
        Appeal.objects.select_related("answered_by", "assigned_person", "region")
        .filter(pk=appeal_id, author=request.user)
        .first()
    )
    if appeal is None:
        raise Http404
    existing = Evaluation.objects.filter(appeal=appeal, author=request.user).first()
    return _evaluate(request, target=appeal, kind="appeal", existing=existing)


@login_required
@require_http_methods(["GET", "POST"])
def evaluate_booking(request, booking_id: int):
    from halyq.receptions.models import Booking

    booking = (
        Booking.objects.select_related("reception__person", "reception__office")
        .filter(pk=booking_id, citizen=request.user)
        .first()
    )
    if booking is None:
        raise Http404
    existing = Evaluation.objects.filter(booking=booking, author=request.user).first()
    return _evaluate(request, target=booking, kind="booking", existing=existing)


# --------------------------------------------------------------------------- the rated person
def _draft_page(
    request, person, *, dispute_forms=None, outcome_forms=None, status=200, staff_view=False
):
    draft = selectors.person_draft(person)
    dispute_forms = dispute_forms or {}
    outcome_forms = outcome_forms or {}
    for item in draft.evaluations:
        item.form = dispute_forms.get(item.evaluation.pk) or forms.DisputeForm(
            auto_id=f"id_%s_{item.evaluation.pk}"
        )
    for outcome in draft.outcomes:
        outcome.form = outcome_forms.get(outcome.appeal.pk) or forms.OutcomeDisputeForm(
            auto_id=f"id_%s_outcome_{outcome.appeal.pk}"
        )
    live = draft.live
    return render(
        request,
        "ratings/draft.html",
        {
            "person": person,
            "draft": draft,
            "staff_view": staff_view,
            "live_bar": charts.interval_bar(
                live.score if live else None,
                live.low if live else None,
                live.high if live else None,
                label=charts.interval_text(live.score, live.low, live.high) if live else "",
            ),
            "components": component_rows(live.data, _current_parameters()) if live else [],
        },
        status=status,
    )


def _current_parameters() -> dict:
    current = MethodologyVersion.objects.filter(is_current=True).first()
    return current.parameters if current else {}


@login_required
def my_draft(request):
    if request.user.person_id is None:
        raise Http404
    person = Person.objects.select_related("region").get(pk=request.user.person_id)
    return _draft_page(request, person)


@login_required
def staff_draft(request, public_id):
    person = Person.objects.select_related("region").filter(public_id=public_id).first()
    if person is None or not rules.has_perm("ratings.view_draft", request.user, person):
        raise Http404
    return _draft_page(request, person, staff_view=request.user.person_id != person.id)


@login_required
@require_POST
def dispute_evaluation(request, evaluation_id: int):
    person_id = request.user.person_id
    evaluation = (
        Evaluation.objects.filter(pk=evaluation_id, person_id=person_id).first()
        if person_id
        else None
    )
    if evaluation is None:
        raise Http404
    form = forms.DisputeForm(request.POST, auto_id=f"id_%s_{evaluation.pk}")
    return _send_dispute(
        request,
        form,
        lambda reason: dispute_open(user=request.user, evaluation=evaluation, reason=reason),
        sent=_(
            "Your dispute is sent to the region's moderator. Until it is decided, the evaluation stays out of the published rating."
        ),
        draft_forms={"dispute_forms": {evaluation.pk: form}},
    )


@login_required
@require_POST
def dispute_outcome(request, appeal_id: int):
    from halyq.appeals.models import Appeal

    person_id = request.user.person_id
    appeal = Appeal.objects.filter(pk=appeal_id).first() if person_id else None
    if appeal is None or outcome_person_id(appeal) != person_id:
        raise Http404
    form = forms.OutcomeDisputeForm(request.POST, auto_id=f"id_%s_outcome_{appeal.pk}")
    return _send_dispute(
        request,
        form,
        lambda reason: outcome_dispute_open(user=request.user, appeal=appeal, reason=reason),
        sent=_(
            "Your dispute of the outcome is sent to the region's moderator. Until it is decided, the outcome stays out of the published rating."
        ),
        draft_forms={"outcome_forms": {appeal.pk: form}},
    )


def _send_dispute(request, form, send, *, sent: str, draft_forms: dict):
    """Send a valid dispute and go back to the draft; else show the draft with the form."""
    if form.is_valid():
        try:
            send(form.cleaned_data["reason"])
        except ValidationError as refused:
            for problem in refused.messages:
                form.add_error(None, problem)
        else:
            messages.success(request, sent)
            return redirect("ratings:mine")
    messages.error(request, _("The dispute was not sent: see the form below."))
    person = Person.objects.select_related("region").get(pk=request.user.person_id)
    return _draft_page(request, person, status=400, **draft_forms)


# --------------------------------------------------------------------------- moderation
@login_required
def moderation(request):
    if not _is_moderator(request.user):
        raise Http404
    queue = selectors.moderation_queue(request.user)
    return render(
        request,
        "ratings/moderation.html",
        {
            **queue,
            "evaluation_form": forms.EvaluationDecisionForm(),
            "dispute_form": forms.DisputeDecisionForm(),
        },
    )


def _report(request, form, action) -> None:
    """Run a moderator's action from a valid form; report the outcome as a message."""
    if not form.is_valid():
        problems = " ".join(" ".join(errors) for errors in form.errors.values())
        messages.error(request, _("Nothing was changed: %(problems)s") % {"problems": problems})
        return
    try:
        action(form.cleaned_data)
    except ValidationError as refused:
        messages.error(
            request,
            _("Nothing was changed: %(problems)s") % {"problems": " ".join(refused.messages)},
        )
    else:
        messages.success(request, _("The decision is recorded."))


@login_required
@require_POST
def decide_evaluation(request, pk: int):
    evaluation = selectors.moderated_evaluation(request.user, pk)
    if evaluation is None:
        raise Http404
    _report(
        request,
        forms.EvaluationDecisionForm(request.POST),
        lambda data: evaluation_decide(
            moderator=request.user,
            evaluation=evaluation,
            restore=data["decision"] == "restore",
            reason=data["reason"],
        ),
    )
    return redirect("ratings:moderation")


@login_required
@require_POST
def moderate_comment(request, pk: int):
    evaluation = selectors.moderated_evaluation(request.user, pk)
    if evaluation is None:
        raise Http404
    _report(
        request,
        forms.CommentDecisionForm(request.POST),
        lambda data: evaluation_moderate_comment(
            moderator=request.user, evaluation=evaluation, publish=data["decision"] == "publish"
        ),
    )
    return redirect("ratings:moderation")


@login_required
@require_POST
def decide_dispute(request, pk: int):
    dispute = selectors.moderated_dispute(request.user, pk)
    if dispute is None:
        raise Http404
    _report(
        request,
        forms.DisputeDecisionForm(request.POST),
        lambda data: dispute_decide(
            moderator=request.user,
            dispute=dispute,
            uphold=data["decision"] == "uphold",
            reason=data["reason"],
        ),
    )
    return redirect("ratings:moderation")
