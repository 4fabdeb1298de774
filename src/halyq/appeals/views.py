"""Pages of the appeals app: thin views over `selectors`, `services` and `workflow`.

Public: the reception offices (`/offices/`). Citizen: my appeals, a new appeal, an
appeal's page, the visitor's signed link and code. Staff: the queue, the appeal page
to act on, the operator's registration form, the CSV export, the overdue overview.
What a user may not see answers 404 (selectors decide); which actions are offered
comes from `workflow.actions_for`, and the services enforce it again on POST.
"""

from __future__ import annotations

import csv
import logging
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from halyq.accounts import roles, throttling
from halyq.appeals import deadlines, forms, selectors, services, workflow
from halyq.appeals.attachments import private_storage
from halyq.appeals.models import Appeal, Channel, Notification, ReceptionOffice
from halyq.appeals.notifications import visitor_appeal_id, visitor_reach
from halyq.appeals.rules import appeal_relations, is_staff_user
from halyq.appeals.workflow import STAFF_RELATIONS, Relation, TransitionRefused
from halyq.core import ratelimit
from halyq.core.exceptions import PublicBadRequest
from halyq.directory.models import Person

logger = logging.getLogger("halyq.appeals")


def _bad_filters(form) -> PublicBadRequest:
    problems = "; ".join(
        f"{form.fields[name].label or name}: {' '.join(errors)}"
        for name, errors in form.errors.items()
        if name in form.fields
    )
    return PublicBadRequest(_("Check the filters: %(problems)s") % {"problems": problems})


# ------------------------------------------------------------------------------ public


def office_list(request):
    form = forms.OfficeFilterForm(request.GET)
    if not form.is_valid():
        raise _bad_filters(form)
    region = form.cleaned_data["region"]
    offices = list(selectors.office_list(region=region))
    groups: dict = {}
    for office in offices:
        groups.setdefault(office.region, []).append(office)
    return render(
        request,
        "appeals/office_list.html",
        {"form": form, "groups": groups, "count": len(offices), "region": region},
    )


# ----------------------------------------------------------------------------- citizen


@login_required
def my_appeals(request):
    appeals = selectors.appeal_list(user=request.user, staff_only=False).order_by(
        "-received_at", "-id"
    )
    page = Paginator(appeals, 25).get_page(request.GET.get("page"))
    return render(request, "appeals/my_appeals.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def appeal_new(request):
    step = forms.RegionStepForm(request.GET or None)
    person = None
    if request.GET.get("person"):
        try:
            person = Person.objects.select_related("region").get(public_id=request.GET["person"])
        except (Person.DoesNotExist, ValidationError, ValueError):
            raise PublicBadRequest(_("This person is not in the directory.")) from None
    region = None
    if step.is_bound and step.is_valid():
        region = step.cleaned_data["region"]
    elif person is not None:
        region = person.region
    elif step.is_bound and "region" in request.GET:
        raise _bad_filters(step)
    if region is None:
        return render(request, "appeals/appeal_new.html", {"step": forms.RegionStepForm()})

    offices = ReceptionOffice.objects.filter(region=region, is_active=True).select_related("region")
    people = Person.objects.filter(reception_offices__region=region)
    if person is not None:
        people = people | Person.objects.filter(pk=person.pk)
    people = people.distinct().order_by("family_name_ru", "given_name_ru")
    initial = {"addressed_person": person} if person else {}
    if offices.count() == 1:
        initial["office"] = offices.first()
    form = forms.CitizenAppealForm(
        request.POST or None,
        request.FILES or None,
        offices=offices,
        people=people,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeal = services.appeal_register(
                author=request.user,
                office=data["office"],
                region=region,
                category=data["category"],
                addressed_person=data["addressed_person"],
                text=data["text"],
                attachments=data["attachments"],
                idempotency_key=data["idempotency_key"],
                language=request.LANGUAGE_CODE,
            )
        except ValidationError as problem:
            _copy_errors(form, problem)
        else:
            if appeal.just_created:
                messages.success(
                    request,
                    _("Your appeal is registered under number %(number)s.")
                    % {"number": appeal.number},
                )
            return redirect("appeals:detail", number=appeal.number)
    return render(
        request,
        "appeals/appeal_new.html",
        {
            "form": form,
            "region": region,
            "email_unconfirmed": request.user.email_confirmed_at is None,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _copy_errors(form, problem: ValidationError) -> None:
    if hasattr(problem, "error_dict"):
        for field, errors in problem.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, problem)


def _citizen_context(request, appeal, relations, *, visitor_token: str = ""):
    today = deadlines.local_date()
    actions = [
        t for t in workflow.actions_for(appeal, relations, today) if Relation.AUTHOR in t.actors
    ]
    return {
        "appeal": appeal,
        "history": selectors.appeal_history(appeal),
        "attachments": list(appeal.attachments.all()),
        "actions": [(t, forms.TransitionForm(transition=t, appeal=appeal)) for t in actions],
        "visitor_token": visitor_token,
        "needs_visitor_confirmation": appeal.channel != Channel.WEB
        and appeal.visitor_confirmed_at is None,
        "today": today,
    }


@login_required
@require_http_methods(["GET", "POST"])
def appeal_detail(request, number):
    appeal = selectors.appeal_get(user=request.user, number=number)
    relations = appeal_relations(request.user, appeal)
    if Relation.AUTHOR not in relations:
        # Staff open appeals in their workspace; this page is the citizen's.
        return redirect("appeals:staff_detail", number=appeal.number)
    context = _citizen_context(request, appeal, relations)
    status = 200
    if request.method == "POST":
        outcome = _act(request, appeal, relations=relations)
        if outcome is None:
            return redirect("appeals:detail", number=appeal.number)
        context, status = _after_failure(request, outcome, context, appeal, relations)
    return render(request, "appeals/appeal_detail.html", context, status=status)


@require_http_methods(["GET"])
def visitor_link(request, token):
    """The short link of a text message: on to the visitor's page, in the appeal's language."""
    appeal = Appeal.objects.filter(pk=visitor_appeal_id(token), author__isnull=True).first()
    if appeal is None:
        raise Http404
    with translation.override(appeal.language):
        return redirect("appeals:visitor", token=token)


@require_http_methods(["GET", "POST"])
def visitor_appeal(request, token):
    """The visitor's own page, opened from the signed link in their email or text."""
    appeal_id = visitor_appeal_id(token)
    appeal = (
        Appeal.objects.select_related("office", "category", "region", "assigned_person")
        .filter(pk=appeal_id, author__isnull=True)
        .first()
        if appeal_id
        else None
    )
    if appeal is None or appeal.personal_data_erased_at is not None:
        raise Http404
    relations = frozenset({Relation.AUTHOR})
    status = 200
    if request.method == "POST" and request.POST.get("action") == "visitor_confirm":
        services.appeal_visitor_confirm(appeal_id=appeal.pk, link=True)
        messages.success(request, _("Thank you: your appeal is confirmed."))
        return redirect("appeals:visitor", token=token)
    context = _citizen_context(request, appeal, relations, visitor_token=token)
    if request.method == "POST":
        outcome = _act(request, appeal, relations=relations, acting_as=Relation.AUTHOR)
        if outcome is None:
            return redirect("appeals:visitor", token=token)
        context, status = _after_failure(request, outcome, context, appeal, relations)
        context["visitor_token"] = token
    return render(request, "appeals/appeal_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def visitor_code(request):
    """A visitor confirms with the number and the six-digit code (no account needed).

    Only failures count against the client's limit, so a visitor who types right is
    never slowed down."""
    form = forms.VisitorCodeForm(request.POST or None)
    status = HTTPStatus.OK
    if request.method == "POST":
        status = HTTPStatus.BAD_REQUEST
        client = ratelimit.client_key(request)
        decision = throttling.peek(throttling.VISITOR_CODE_FAILURES, client)
        if not decision.allowed:
            form.add_error(None, throttling.too_many_attempts_message(decision))
            status = HTTPStatus.TOO_MANY_REQUESTS
        elif form.is_valid():
            appeal = _confirmed_by_code(form)
            if appeal is not None:
                return render(request, "appeals/visitor_confirmed.html", {"number": appeal.number})
            throttling.hit(throttling.VISITOR_CODE_FAILURES, client)
    return render(request, "appeals/visitor_code.html", {"form": form}, status=status)


def _confirmed_by_code(form) -> Appeal | None:
    """The appeal the form's number and code confirm; None with the reason on the form."""
    number = form.cleaned_data["number"].strip().upper()
    appeal = Appeal.objects.filter(number=number).exclude(channel=Channel.WEB).first()
    if appeal is None:
        form.add_error(None, _("The number or the code is not right."))
        return None
    try:
        return services.appeal_visitor_confirm(appeal_id=appeal.pk, code=form.cleaned_data["code"])
    except services.ConfirmationRefused as refusal:
        form.add_error(None, refusal.message)
        return None


def _attachment_response(appeal, attachment_id):
    attachment = appeal.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        handle = private_storage().open(attachment.file.name, "rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def attachment_download(request, number, attachment_id):
    appeal = selectors.appeal_get(user=request.user, number=number)
    if not request.user.has_perm("appeals.view_attachment", appeal):
        raise Http404
    return _attachment_response(appeal, attachment_id)


def visitor_attachment(request, token, attachment_id):
    appeal_id = visitor_appeal_id(token)
    appeal = Appeal.objects.filter(pk=appeal_id, author__isnull=True).first() if appeal_id else None
    if appeal is None or appeal.personal_data_erased_at is not None:
        raise Http404
    return _attachment_response(appeal, attachment_id)


# ------------------------------------------------------------------------------ acting


class _Failure:
    def __init__(self, message, *, status: int, form=None, action: str = ""):
        self.message, self.status, self.form, self.action = message, status, form, action


def _act(request, appeal, *, relations, acting_as=None):
    """Run the POSTed transition; None on success, a _Failure (nothing written) otherwise."""
    action = request.POST.get("action", "")
    try:
        transition = workflow.get(action)
    except TransitionRefused as refusal:
        return _Failure(refusal.message, status=400)
    form = forms.TransitionForm(request.POST, transition=transition, appeal=appeal)
    if not form.is_valid():
        return _Failure(_("Check the form."), status=400, form=form, action=action)
    data = form.cleaned_data
    try:
        services.appeal_transition(
            appeal_id=appeal.pk,
            action=action,
            user=request.user,
            version=data["version"],
            acting_as=acting_as,
            data=services.TransitionInput(
                person=data.get("person"),
                office=data.get("office"),
                reason=data.get("reason", ""),
                answer=data.get("answer", ""),
                due_on=data.get("due_on"),
                duplicate_of=data.get("duplicate_of", ""),
                resolution=data.get("resolution", ""),
                out_of_competence=bool(data.get("out_of_competence")),
            ),
        )
    except services.AppealChanged as changed:
        return _Failure(changed.message, status=409)
    except TransitionRefused as refusal:
        return _Failure(refusal.message, status=403)
    except ValidationError as problem:
        _copy_errors(form, problem)
        return _Failure(_("Check the form."), status=400, form=form, action=action)
    except Appeal.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
    return None


def _after_failure(request, failure, context, appeal, relations):
    """Re-read the appeal (it may have changed) and show the failure on its page."""
    messages.error(request, failure.message)
    fresh = Appeal.objects.select_related(
        "office", "office__region", "category", "region", "assigned_person", "author"
    ).get(pk=appeal.pk)
    for key, value in _fresh_context(context, fresh, relations).items():
        context[key] = value
    if failure.form is not None and failure.status == 400:
        context["actions"] = [
            (t, failure.form if t.action == failure.action else f) for t, f in context["actions"]
        ]
        context["open_action"] = failure.action
    return context, failure.status


def _fresh_context(context, appeal, relations):
    today = deadlines.local_date()
    citizen_only = "staff_actions" not in context
    transitions = workflow.actions_for(appeal, relations, today)
    if citizen_only:
        transitions = [t for t in transitions if Relation.AUTHOR in t.actors]
    pairs = [(t, forms.TransitionForm(transition=t, appeal=appeal)) for t in transitions]
    fresh = {"appeal": appeal, "history": selectors.appeal_history(appeal), "actions": pairs}
    if not citizen_only:
        fresh["staff_actions"] = True
    return fresh


# ------------------------------------------------------------------------------- staff


def _staff_or_404(user) -> None:
    if not is_staff_user(user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def staff_detail(request, number):
    appeal = selectors.appeal_get(user=request.user, number=number, staff_only=True)
    relations = appeal_relations(request.user, appeal)
    staff_relations = relations & STAFF_RELATIONS
    context = {
        **_fresh_context({"staff_actions": True}, appeal, staff_relations),
        "attachments": list(appeal.attachments.all()),
        "relations": staff_relations,
        "today": deadlines.local_date(),
        "transfer_due": deadlines.transfer_due(appeal.term_started_on),
        "notifications": list(
            Notification.objects.filter(appeal=appeal).only(
                "kind", "status", "recipient", "created_at", "sent_at", "attempts"
            )
        ),
    }
    status = 200
    if request.method == "POST":
        outcome = _act(request, appeal, relations=staff_relations)
        if outcome is None:
            return redirect("appeals:staff_detail", number=appeal.number)
        context, status = _after_failure(request, outcome, context, appeal, staff_relations)
    return render(request, "appeals/staff_detail.html", context, status=status)


def _queue_filters(request):
    form = forms.QueueFilterForm(request.GET, offices=_queue_offices(request.user))
    if not form.is_valid():
        raise _bad_filters(form)
    data = form.cleaned_data
    filters = selectors.AppealFilters(
        state=data["state"],
        due=data["due"] or "",
        category=data["category"].pk if data["category"] else None,
        office=data["office"].pk if data["office"] else None,
    )
    return form, filters


def _queue_offices(user):
    from halyq.appeals.rules import operated_office_ids

    offices = ReceptionOffice.objects.select_related("region").order_by("region__code", "name_ru")
    if roles.is_administrator(user):
        return offices
    return offices.filter(pk__in=operated_office_ids(user)) | offices.filter(
        region_id__in=roles.moderated_region_ids(user)
    )


@login_required
def staff_queue(request):
    _staff_or_404(request.user)
    form, filters = _queue_filters(request)
    appeals = selectors.appeal_list(user=request.user, filters=filters)
    size = form.cleaned_data["size"] or 25
    paginator = Paginator(appeals, size)
    number = form.cleaned_data["page"] or 1
    if number > max(paginator.num_pages, 1):
        raise Http404
    page = paginator.page(number)
    bulk_form = None
    if _can_route(request.user):
        bulk_form = forms.BulkAssignForm(people=_routable_people(request.user))
    return render(
        request,
        "appeals/staff_queue.html",
        {
            "form": form,
            "page": page,
            "counts": selectors.staff_queue_counts(user=request.user),
            "bulk_form": bulk_form,
            "today": deadlines.local_date(),
            "soon_limit": deadlines.due_soon_limit(deadlines.local_date()),
            "can_export": request.user.has_perm("appeals.export_appeals"),
            "can_register": selectors.offices_for_registration(request.user).exists(),
            "can_overview": request.user.has_perm("appeals.view_overview"),
        },
    )


def _can_route(user) -> bool:
    from halyq.appeals.rules import operated_office_ids

    return bool(
        operated_office_ids(user)
        or roles.moderated_region_ids(user)
        or roles.is_administrator(user)
    )


def _routable_people(user):
    offices = _queue_offices(user)
    return (
        Person.objects.filter(reception_offices__in=offices)
        .distinct()
        .order_by("family_name_ru", "given_name_ru")
    )


@login_required
@require_POST
def bulk_assign(request):
    _staff_or_404(request.user)
    if not _can_route(request.user):
        raise Http404
    form = forms.BulkAssignForm(request.POST, people=_routable_people(request.user))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(_back_to_queue(request))
    outcome = services.appeals_bulk_assign(
        user=request.user,
        appeal_versions=form.cleaned_data["appeals"],
        person=form.cleaned_data["person"],
    )
    if outcome["assigned"]:
        messages.success(
            request,
            _("Assigned: %(numbers)s.") % {"numbers": ", ".join(outcome["assigned"])},
        )
    for number, problem in outcome["refused"]:
        messages.error(request, f"{number}: {problem}")
    return redirect(_back_to_queue(request))


def _back_to_queue(request) -> str:
    query = request.POST.get("return_query", "")
    url = reverse("appeals:queue")
    return f"{url}?{query}" if query and "\n" not in query and "//" not in query else url


@login_required
def staff_export(request):
    """The filtered queue as CSV, without citizens' personal data (no names, contacts, texts)."""
    _staff_or_404(request.user)
    if not request.user.has_perm("appeals.export_appeals"):
        raise Http404
    _, filters = _queue_filters(request)
    appeals = selectors.appeal_list(user=request.user, filters=filters)
    header = [
        "number",
        "region",
        "office",
        "category",
        "channel",
        "status",
        "registered_on",
        "due_on",
        "extended",
        "assigned_to",
        "answered_on",
        "resolution",
        "overdue",
    ]
    today = deadlines.local_date()

    def rows():
        yield header
        for appeal in appeals.iterator(chunk_size=2_000):
            yield [
                appeal.number,
                appeal.region.code,
                appeal.office.slug,
                appeal.category.code,
                appeal.channel,
                appeal.state,
                appeal.registered_on.isoformat(),
                appeal.due_on.isoformat(),
                "yes" if appeal.extended_at else "no",
                appeal.assigned_person.name if appeal.assigned_person else "",
                appeal.answered_on.isoformat() if appeal.answered_on else "",
                appeal.resolution,
                "yes" if appeal.is_open and appeal.due_on < today else "no",
            ]

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="appeals.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _operator_form_prefill(query, offices, people) -> dict:
    """Start values from the address (a reception visit links here with its office,
    deputy and channel); only ids this operator may use are taken, the rest is ignored."""
    initial = {"office": offices.first()} if offices.count() == 1 else {}
    if (office_id := query.get("office", "")).isdigit():
        initial["office"] = offices.filter(pk=office_id).first() or initial.get("office")
    if (person_id := query.get("addressed_person", "")).isdigit():
        initial["addressed_person"] = people.filter(pk=person_id).first()
    if query.get("channel") in dict(forms.OperatorAppealForm.base_fields["channel"].choices):
        initial["channel"] = query["channel"]
    return {key: value for key, value in initial.items() if value is not None}


@login_required
@require_http_methods(["GET", "POST"])
def operator_register(request):
    """An operator registers an appeal brought in person, by phone or by letter."""
    offices = selectors.offices_for_registration(request.user)
    if not offices.exists():
        raise Http404
    people = (
        Person.objects.filter(reception_offices__in=offices)
        .distinct()
        .order_by("family_name_ru", "given_name_ru")
    )
    initial = _operator_form_prefill(request.GET, offices, people)
    form = forms.OperatorAppealForm(
        request.POST or None, request.FILES or None, offices=offices, people=people, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        received_at = None
        if data["received_on"]:
            from datetime import datetime, time

            from django.utils import timezone

            received_at = timezone.make_aware(datetime.combine(data["received_on"], time(12)))
            if received_at > timezone.now():
                received_at = timezone.now()
        try:
            appeal = services.appeal_register(
                channel=data["channel"],
                registered_by=request.user,
                office=data["office"],
                category=data["category"],
                addressed_person=data["addressed_person"],
                text=data["text"],
                attachments=data["attachments"],
                idempotency_key=data["idempotency_key"],
                citizen_name=data["citizen_name"],
                citizen_email=data["citizen_email"] or "",
                citizen_phone=data["citizen_phone"] or "",
                language=data["language"],
                received_at=received_at,
            )
        except ValidationError as problem:
            _copy_errors(form, problem)
        else:
            if appeal.just_created:
                _tell_how_the_visitor_confirms(request, appeal)
            return redirect("appeals:staff_detail", number=appeal.number)
    return render(
        request,
        "appeals/operator_register.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


# What the operator is told after registering, by how notices reach the visitor (lazy:
# translated for each request's language, not at import).
_HOW_THE_VISITOR_CONFIRMS = {
    "email": (
        messages.SUCCESS,
        gettext_lazy(
            "Registered under number %(number)s. Give the visitor this number; they "
            "confirm the appeal with the link or the code sent to their email."
        ),
    ),
    "sms": (
        messages.SUCCESS,
        gettext_lazy(
            "Registered under number %(number)s. Give the visitor this number; they "
            "confirm the appeal with the link or the code sent to their phone by SMS."
        ),
    ),
    "": (
        messages.WARNING,
        gettext_lazy(
            "Registered under number %(number)s, but no code can reach the visitor: "
            "text messages are not set up, so without an email they cannot confirm "
            "the appeal and it will not count for the rating."
        ),
    ),
}


def _tell_how_the_visitor_confirms(request, appeal) -> None:
    level, text = _HOW_THE_VISITOR_CONFIRMS[visitor_reach(appeal)]
    messages.add_message(request, level, text % {"number": appeal.number})


@login_required
def overview(request):
    if not request.user.has_perm("appeals.view_overview"):
        raise Http404
    data = selectors.overdue_overview(user=request.user)
    return render(
        request,
        "appeals/overview.html",
        {"offices": data["offices"], "people": data["people"], "today": deadlines.local_date()},
    )
