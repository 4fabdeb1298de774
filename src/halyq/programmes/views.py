"""Pages of the promise tracker: public trackers, CSV downloads and the staff's actions.

Thin views: they parse (forms), read (selectors) and write (services). An object
outside the visitor's view, or an action the visitor may not take, is a 404: nobody
learns that a pilot region's item exists.
"""

from __future__ import annotations

import csv

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from halyq.accounts import roles
from halyq.core.exceptions import PublicBadRequest
from halyq.core.i18n import localized
from halyq.directory.models import District, Person, Region
from halyq.programmes import charts, forms, selectors, services
from halyq.programmes.calendar import working_days_late
from halyq.programmes.evidence import EvidenceInput
from halyq.programmes.models import (
    Confirmation,
    DisputeReview,
    Mandate,
    Programme,
    Status,
    TrackedItem,
)
from halyq.programmes.visibility import visible_region_ids


# --------------------------------------------------------------------------- helpers
def _valid(form) -> dict:
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label if name in form.fields else name}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
        raise PublicBadRequest(_("Check the filters: %(problems)s") % {"problems": problems})
    return form.cleaned_data


def _page(request, queryset, number):
    paginator = Paginator(queryset, settings.HALYQ_PAGE_SIZE)
    number = number or 1
    if number > max(paginator.num_pages, 1):
        raise Http404
    return paginator.page(number)


def _filters(data) -> selectors.ItemFilters:
    return selectors.ItemFilters(
        q=data.get("q", ""),
        status=data.get("status", ""),
        kind=data.get("kind", ""),
        topic=data.get("topic", ""),
        district=data.get("district"),
    )


def _visible_region(user, code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None or region.pk not in visible_region_ids(user):
        raise Http404
    return region


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            target = field if field in form.fields else None
            for problem in problems:
                form.add_error(target, problem)
    else:
        for problem in error.messages:
            form.add_error(None, problem)


def _form_page(request, template: str, context: dict, *, form, save, success: str, then):
    """A page with a form whose valid POST calls a service: `save(cleaned_data)`.

    The service's refusals go on the form and the page answers 400; a permission
    refusal is a 404 (no existence leak). After success: the message, then a redirect to
    `then` (a URL or view name, or a callable given what `save` returned).
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        except PermissionDenied as denied:
            raise Http404 from denied
        else:
            messages.success(request, success)
            return redirect(then(result) if callable(then) else then)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {**context, "form": form}, status=status)


def _tracker_context(request, items_scope, *, scope, filters_form, csv_url, mandates=None):
    """What every tracker page shows: counts, charts, the overdue list and the list."""
    data = _valid(filters_form)
    today = timezone.localdate()
    summary = selectors.tracker_summary(scope=scope, items=items_scope, mandates=mandates)
    counts, series, overdue = summary["counts"], summary["series"], summary["overdue"]
    for item in overdue:
        item.working_days_late = working_days_late(item.deadline, today)
    return data, {
        "counts": counts,
        "segments": charts.status_segments(counts),
        "status_chart": charts.status_bar(counts),
        "delivery_chart": charts.delivery_line(series),
        "delivery_rows": charts.legend_rows(series),
        "overdue": overdue,
        "mandate_counts": summary["mandate_counts"],
        "form": filters_form,
        "csv_url": f"{csv_url}?{request.GET.urlencode()}" if request.GET else csv_url,
        "today": today,
    }


# --------------------------------------------------------------------------- public pages
def index(request):
    return render(
        request,
        "programmes/index.html",
        {"regions": selectors.region_overview(user=request.user)},
    )


def territory(request, region_code: str, district_code: str | None = None):
    region = _visible_region(request.user, region_code)
    district = None
    if district_code is not None:
        district = District.objects.filter(region=region, code=district_code).first()
        if district is None:
            raise Http404
    scope = selectors.item_list(user=request.user, region=region, district=district)
    form = forms.ItemFilterForm(request.GET, region=region if district is None else None)
    csv_url = (
        reverse("programmes:district_csv", args=[region.code, district.code])
        if district
        else reverse("programmes:region_csv", args=[region.code])
    )
    data, context = _tracker_context(
        request,
        scope,
        scope=("territory", region.pk, district.pk if district else None),
        filters_form=form,
        csv_url=csv_url,
        mandates=selectors.mandate_list(user=request.user, region=region, district=district),
    )
    items = selectors.item_list(
        user=request.user, region=region, district=district, filters=_filters(data)
    )
    context.update(
        {
            "region": region,
            "district": district,
            "territory": district or region,
            "programmes": selectors.programme_list(
                user=request.user, region=region, district=district
            )
            if district
            else selectors.programme_list(user=request.user, region=region),
            "page": _page(request, items, data.get("page")),
        }
    )
    return render(request, "programmes/territory.html", context)


def territory_csv(request, region_code: str, district_code: str | None = None):
    region = _visible_region(request.user, region_code)
    district = None
    if district_code is not None:
        district = District.objects.filter(region=region, code=district_code).first()
        if district is None:
            raise Http404
    form = forms.ItemFilterForm(request.GET, region=region if district is None else None)
    data = _valid(form)
    items = selectors.item_list(
        user=request.user, region=region, district=district, filters=_filters(data)
    )
    name = f"programme-items-{region.code}{'-' + district.code if district else ''}.csv"
    return _csv_response(request, items, name)


def programme_detail(request, code: str):
    try:
        programme = selectors.programme_get(user=request.user, code=code)
    except Programme.DoesNotExist as missing:
        raise Http404 from missing
    scope = selectors.item_list(user=request.user, programme=programme)
    form = forms.ItemFilterForm(request.GET)
    mandates = selectors.mandate_list(user=request.user, programme=programme)
    _data, context = _tracker_context(
        request,
        scope,
        scope=("programme", programme.pk),
        filters_form=form,
        csv_url=reverse("programmes:programme_csv", args=[programme.code]),
        mandates=mandates,
    )
    context.update(
        {
            "programme": programme,
            "roadmap": selectors.roadmap(programme),
            "recent_mandates": list(mandates[:10]),
            "can_manage": rules.test_rule("programmes.manage", request.user, programme),
        }
    )
    return render(request, "programmes/programme.html", context)


def programme_csv(request, code: str):
    try:
        programme = selectors.programme_get(user=request.user, code=code)
    except Programme.DoesNotExist as missing:
        raise Http404 from missing
    data = _valid(forms.ItemFilterForm(request.GET))
    items = selectors.item_list(user=request.user, programme=programme, filters=_filters(data))
    return _csv_response(request, items, f"programme-{programme.code}.csv")


def person_tracker(request, public_id):
    try:
        person = selectors.person_get(public_id=public_id)
    except Person.DoesNotExist as missing:
        raise Http404 from missing
    scope = selectors.item_list(user=request.user, person=person)
    form = forms.ItemFilterForm(request.GET)
    data, context = _tracker_context(
        request,
        scope,
        scope=("person", person.pk, tuple(sorted(visible_region_ids(request.user)))),
        filters_form=form,
        csv_url=reverse("programmes:person_csv", args=[person.public_id]),
    )
    items = selectors.item_list(user=request.user, person=person, filters=_filters(data))
    context.update({"person": person, "page": _page(request, items, data.get("page"))})
    return render(request, "programmes/person.html", context)


def person_csv(request, public_id):
    try:
        person = selectors.person_get(public_id=public_id)
    except Person.DoesNotExist as missing:
        raise Http404 from missing
    data = _valid(forms.ItemFilterForm(request.GET))
    items = selectors.item_list(user=request.user, person=person, filters=_filters(data))
    return _csv_response(request, items, f"programme-items-{person.public_id}.csv")


def item_detail(request, pk: int):
    try:
        item = selectors.item_get(user=request.user, pk=pk)
    except TrackedItem.DoesNotExist as missing:
        raise Http404 from missing
    user = request.user
    refusal = services.confirmation_refusal(user, item) if user.is_authenticated else None
    context = {
        "item": item,
        "children": selectors.item_children(item) if item.kind == TrackedItem.Kind.MEASURE else [],
        "timeline": selectors.item_timeline(item),
        "mandates": list(item.mandates.order_by("source_date", "pk")),
        "reviews": list(item.reviews.exclude(decision=DisputeReview.Decision.PENDING)),
        "can_report": rules.test_rule("programmes.report_item", user, item)
        and item.status != Status.CANCELLED,
        "can_manage": rules.test_rule("programmes.manage", user, item),
        "confirm_form": forms.ConfirmForm() if user.is_authenticated and refusal is None else None,
        "confirm_refusal": refusal,
        "working_days_late": working_days_late(item.deadline, timezone.localdate())
        if item.display_status == "overdue"
        else 0,
    }
    return render(request, "programmes/item.html", context)


def mandate_detail(request, pk: int):
    try:
        mandate = selectors.mandate_get(user=request.user, pk=pk)
    except Mandate.DoesNotExist as missing:
        raise Http404 from missing
    return render(
        request,
        "programmes/mandate.html",
        {
            "mandate": mandate,
            "can_decide": mandate.state == Mandate.State.REGISTERED
            and rules.test_rule("programmes.decide_mandate", request.user, mandate),
            "staff": rules.test_rule("programmes.see_staff_details", request.user, mandate),
        },
    )


def mandate_list(request, region_code: str):
    region = _visible_region(request.user, region_code)
    form = forms.MandateFilterForm(request.GET)
    data = _valid(form)
    mandates = selectors.mandate_list(
        user=request.user, region=region, state=data["state"], topic=data["topic"], q=data["q"]
    )
    return render(
        request,
        "programmes/mandate_list.html",
        {
            "region": region,
            "form": form,
            "counts": selectors.mandate_counts(
                selectors.mandate_list(user=request.user, region=region)
            ),
            "page": _page(request, mandates, data.get("page")),
        },
    )


# --------------------------------------------------------------------------- CSV
CSV_COLUMNS = (
    "code",
    "kind",
    "programme",
    "region",
    "district",
    "title",
    "status",
    "shown_status",
    "progress",
    "start_date",
    "planned_end_date",
    "deadline",
    "completed_on",
    "weight",
    "executive_body",
    "monitors",
    "confirmations_yes",
    "confirmations_partly",
    "confirmations_no",
    "url",
)


class _Echo:
    def write(self, value):
        return value


def _csv_response(request, items, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    base = request.build_absolute_uri("/").rstrip("/")

    def rows():
        yield "\ufeff" + writer.writerow(CSV_COLUMNS)
        for item in items.iterator(chunk_size=1000):
            yield writer.writerow(
                [
                    item.code,
                    item.kind,
                    item.programme.code,
                    item.region.code,
                    item.district.code if item.district else "",
                    localized(item, "title").text,
                    item.status,
                    item.display_status,
                    round(item.rolled_up_progress),
                    item.start_date.isoformat(),
                    item.planned_end_date.isoformat(),
                    item.deadline.isoformat(),
                    item.completed_on.isoformat() if item.completed_on else "",
                    format(item.weight.normalize(), "f"),
                    localized(item, "executive_body").text,
                    "; ".join(f"{p.public_id} {p.name}" for p in item.monitors.all()),
                    item.confirmations_yes,
                    item.confirmations_partly,
                    item.confirmations_no,
                    base + item.get_absolute_url(),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --------------------------------------------------------------------------- actions
def _item_for(request, pk: int, permission: str) -> TrackedItem:
    try:
        item = selectors.item_get(user=request.user, pk=pk)
    except TrackedItem.DoesNotExist as missing:
        raise Http404 from missing
    if not rules.test_rule(permission, request.user, item):
        raise Http404
    return item


@login_required
def item_report(request, pk: int):
    item = _item_for(request, pk, "programmes.report_item")
    has_children = item.children.exclude(status=Status.CANCELLED).exists()
    form = forms.ReportForm(
        request.POST or None, request.FILES or None, item=item, has_children=has_children
    )

    def save(data):
        evidence = []
        if data.get("evidence_file") or data.get("evidence_link"):
            evidence.append(
                EvidenceInput(
                    evidence_date=data["evidence_date"],
                    upload=data.get("evidence_file"),
                    url=data.get("evidence_link") or "",
                    caption=data.get("evidence_caption") or "",
                )
            )
        services.item_report(
            actor=request.user,
            item=item,
            status=data["status"],
            progress=data.get("progress"),
            current_value=data.get("current_value"),
            note=data.get("note") or "",
            evidence=evidence,
        )

    return _form_page(
        request,
        "programmes/item_report.html",
        {"item": item, "has_children": has_children},
        form=form,
        save=save,
        success=_("The report is saved and published."),
        then=item.get_absolute_url(),
    )


@login_required
def item_cancel(request, pk: int):
    item = _item_for(request, pk, "programmes.cancel_item")
    return _form_page(
        request,
        "programmes/item_cancel.html",
        {"item": item},
        form=forms.CancelForm(request.POST or None),
        save=lambda data: services.item_cancel(
            actor=request.user, item=item, reason=data["reason"]
        ),
        success=_("The item is cancelled."),
        then=item.get_absolute_url(),
    )


def _region_deputies(region_id: int):
    return Person.objects.filter(region_id=region_id, kind=Person.Kind.DEPUTY).order_by(
        "family_name_ru", "given_name_ru", "pk"
    )


@login_required
def item_edit(request, pk: int):
    item = _item_for(request, pk, "programmes.manage")
    deputies = _region_deputies(item.region_id)
    initial = {
        field: getattr(item, field)
        for field in (
            "title_ru",
            "title_kk",
            "title_en",
            "executive_body_ru",
            "executive_body_kk",
            "executive_body_en",
            "start_date",
            "planned_end_date",
            "weight",
            "parent",
        )
    }
    initial["monitors"] = list(item.monitors.all())

    def save(cleaned):
        data = dict(cleaned)
        monitors = list(data.pop("monitors"))
        note = data.pop("note")
        if item.kind != TrackedItem.Kind.MEASURE:
            data.pop("parent", None)
        services.item_update(actor=request.user, item=item, monitors=monitors, note=note, **data)

    return _form_page(
        request,
        "programmes/item_edit.html",
        {"item": item},
        form=forms.ItemEditForm(
            request.POST or None, item=item, deputies=deputies, initial=initial
        ),
        save=save,
        success=_("The changes are saved."),
        then=item.get_absolute_url(),
    )


@login_required
@require_POST
def item_confirm(request, pk: int):
    try:
        item = selectors.item_get(user=request.user, pk=pk)
    except TrackedItem.DoesNotExist as missing:
        raise Http404 from missing
    form = forms.ConfirmForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            confirmation = services.confirmation_submit(
                user=request.user,
                item=item,
                answer=form.cleaned_data["answer"],
                photo=form.cleaned_data.get("photo"),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if confirmation.state == Confirmation.State.HELD:
                messages.warning(
                    request, _("Thank you. Your answer will be counted after a moderator's check.")
                )
            else:
                messages.success(request, _("Thank you. Your answer is counted."))
    else:
        messages.error(request, _("Choose an answer: yes, partly or no."))
    return HttpResponseRedirect(item.get_absolute_url() + "#confirm")


@login_required
def programme_create(request):
    if roles.is_administrator(request.user):
        regions = Region.objects.order_by("code")
    else:
        regions = Region.objects.filter(pk__in=roles.moderated_region_ids(request.user))
        if not regions.exists():
            raise Http404
    return _form_page(
        request,
        "programmes/programme_form.html",
        {},
        form=forms.ProgrammeForm(request.POST or None, regions=regions),
        save=lambda data: services.programme_create(actor=request.user, **data),
        success=_("The programme is created. Import its roadmap next."),
        then=lambda programme: programme.get_absolute_url(),
    )


@login_required
def mandate_register(request):
    if roles.is_administrator(request.user):
        programmes = Programme.objects.all()
    else:
        regions = set(roles.moderated_region_ids(request.user))
        if request.user.person_id is not None:
            regions |= set(
                Person.objects.filter(pk=request.user.person_id).values_list("region_id", flat=True)
            )
        if not regions:
            raise Http404
        programmes = Programme.objects.filter(region_id__in=regions)
    programmes = programmes.select_related("region", "district").order_by("region__code", "code")
    districts = District.objects.filter(region_id__in=programmes.values("region_id"))
    return _form_page(
        request,
        "programmes/mandate_register.html",
        {},
        form=forms.MandateRegisterForm(
            request.POST or None, programmes=programmes, districts=districts
        ),
        save=lambda data: services.mandate_register(actor=request.user, **data),
        success=_("The mandate is registered."),
        then=lambda mandate: mandate.get_absolute_url(),
    )


@login_required
def mandate_decide(request, pk: int):
    try:
        mandate = selectors.mandate_get(user=request.user, pk=pk)
    except Mandate.DoesNotExist as missing:
        raise Http404 from missing
    if not rules.test_rule("programmes.decide_mandate", request.user, mandate):
        raise Http404
    measures = (
        TrackedItem.objects.filter(region_id=mandate.region_id, kind=TrackedItem.Kind.MEASURE)
        .exclude(status=Status.CANCELLED)
        .order_by("programme_id", "position", "pk")
    )
    form = forms.MandateDecisionForm(
        request.POST or None, measures=measures, deputies=_region_deputies(mandate.region_id)
    )

    def save(data):
        if data["decision"] == form.DECLINE:
            services.mandate_decline(actor=request.user, mandate=mandate, reason=data["reason"])
        elif data["decision"] == form.ACCEPT_LINK:
            if data["measure"] is None:
                raise ValidationError({"measure": _("Choose the measure.")})
            services.mandate_accept(
                actor=request.user, mandate=mandate, measure=data["measure"], reason=data["reason"]
            )
        else:
            services.mandate_accept(
                actor=request.user,
                mandate=mandate,
                monitors=list(data["monitors"]),
                start_date=data["start_date"],
                planned_end_date=data["planned_end_date"],
                reason=data["reason"],
            )

    return _form_page(
        request,
        "programmes/mandate_decide.html",
        {"mandate": mandate},
        form=form,
        save=save,
        success=_("The decision is recorded."),
        then=mandate.get_absolute_url(),
    )


@login_required
def moderation(request):
    if not (roles.is_administrator(request.user) or roles.moderated_region_ids(request.user)):
        raise Http404
    queue = selectors.moderation_queue(user=request.user)
    return render(
        request,
        "programmes/moderation.html",
        {
            **queue,
            "review_form": forms.ReviewDecisionForm(),
        },
    )


@login_required
def review_decide(request, pk: int):
    review = (
        DisputeReview.objects.select_related("item", "item__programme", "item__region")
        .filter(pk=pk)
        .first()
    )
    if review is None or not rules.test_rule("programmes.decide_review", request.user, review):
        raise Http404
    return _form_page(
        request,
        "programmes/review_decide.html",
        {"review": review, "item": review.item},
        form=forms.ReviewDecisionForm(request.POST or None),
        save=lambda data: services.review_decide(
            actor=request.user,
            review=review,
            upheld=data["decision"] == "upheld",
            reason=data["reason"],
            status_after=data.get("status_after") or None,
            progress=data.get("progress"),
        ),
        success=_("The decision is recorded and published."),
        then="programmes:moderation",
    )


@login_required
@require_POST
def confirmation_decide(request, pk: int):
    confirmation = Confirmation.objects.select_related("item").filter(pk=pk).first()
    if confirmation is None or not rules.test_rule(
        "programmes.decide_confirmation", request.user, confirmation
    ):
        raise Http404
    form = forms.ConfirmationDecisionForm(request.POST)
    if not form.is_valid():
        raise PublicBadRequest(_("Choose whether to count or exclude the answer."))
    try:
        services.confirmation_decide(
            actor=request.user,
            confirmation=confirmation,
            count=form.cleaned_data["decision"] == "count",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The decision is recorded."))
    return redirect("programmes:moderation")
