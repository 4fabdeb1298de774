"""Open311 GeoReport v2 at /open311/v2/: existing civic-reporting apps file appeals unchanged.

What is supported (docs/api.md has the full matrix):
- `discovery`, `services`, `services/{service_code}`, `GET requests`, `GET requests/{id}`
  and `POST requests`, each as `.json` or `.xml` (the format is the URL's suffix), with
  the specification's field names and its error format (`[{"code", "description"}]`,
  `<errors><error>…`). `service_code` is an appeal category's code; `jurisdiction_id` is
  a reception office's slug.
- `POST requests` needs an `api_key`: an API token of an *integration account*, i.e. an
  account allowed to register appeals for visitors at the office (an operator of that
  office, a moderator of its region, or an administrator). The appeal is registered
  through `appeals.services.appeal_register` exactly as an operator would register a
  letter: it needs the citizen's name and email or phone, the citizen gets the code to
  confirm it, and it counts for the rating only once they do. `lat`/`long` and
  `address_string` are optional and are kept with the appeal's text (staff see them).
- Public reads carry no personal data. Deviations from the specification, for privacy:
  `description`, `address`, `lat`, `long` and `media_url` are always empty (the citizen's
  text and place are personal data); `service_request_id` is a pseudonym (a keyed,
  reversible encryption of the appeal's id: not the registration number, not guessable);
  `GET requests` lists only appeals that count (a confirmed citizen stands behind them)
  in regions out of pilot. `GET requests/{id}` answers for any appeal whose id you know.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime, time, timedelta
from xml.etree import ElementTree

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, negotiation, permissions, renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from halyq.api import etag
from halyq.api.authentication import HashedTokenAuthentication
from halyq.api.parsers import LimitedFormParser, LimitedJSONParser
from halyq.api.problems import ApiProblem
from halyq.api.serializers import is_safe_code
from halyq.api.views import LanguageMixin
from halyq.appeals import selectors as appeal_selectors
from halyq.appeals import services as appeal_services
from halyq.appeals.models import Appeal, Category, Channel, ReceptionOffice
from halyq.appeals.workflow import OPEN_STATES, State
from halyq.core.i18n import localized
from halyq.integrity.pseudonyms import pseudonym
from halyq.ratings.visibility import public_region_ids

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-03-01T00:00:00Z"
MAX_REQUESTS = 1000
MAX_WINDOW = timedelta(days=90)
MAX_IDS = 100
REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")
# Until the appeals app has an Open311 channel, filed requests are registered as letters
# (an electronic letter is a written appeal); they are told apart by `registered_by`.
OPEN311_CHANNEL = getattr(Channel, "OPEN311", Channel.LETTER)
# The service's field names, as the Open311 parameters the client sent.
PARAMETER_OF_FIELD = {
    "citizen_name": "first_name",
    "citizen_email": "email",
    "citizen_phone": "phone",
    "text": "description",
    "office": "jurisdiction_id",
    "category": "service_code",
}


# --- ids -----------------------------------------------------------------------------------


def _cipher() -> Cipher:
    # One AES block is a keyed permutation: the id cannot be guessed or reversed without
    # the pseudonym key, and the server turns it back into the appeal's id in one step.
    key = bytes.fromhex(pseudonym("open311", "service-request-id"))
    return Cipher(algorithms.AES(key), modes.ECB())  # noqa: S305 — a single block, see above


def request_id(appeal_id: int) -> str:
    encryptor = _cipher().encryptor()
    return (encryptor.update(appeal_id.to_bytes(16, "big")) + encryptor.finalize()).hex()


def appeal_id_of(service_request_id: str) -> int | None:
    if not REQUEST_ID.match(service_request_id or ""):
        return None
    decryptor = _cipher().decryptor()
    block = decryptor.update(bytes.fromhex(service_request_id)) + decryptor.finalize()
    if block[:8] != bytes(8):  # not one of ours: a real id has eight zero bytes in front
        return None
    return int.from_bytes(block, "big")


# --- formats ---------------------------------------------------------------------------------

# Plural element → its items' element, for the XML format.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


class Open311JSONRenderer(renderers.JSONRenderer):
    charset = "utf-8"


class Open311XMLRenderer(renderers.BaseRenderer):
    """The view names the root element (`xml_root`); lists nest by `XML_ITEMS`."""

    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        root_name = getattr(view, "xml_root", "response")
        root = ElementTree.Element(root_name)
        self._fill(root, root_name, data)
        body = ElementTree.tostring(root, encoding="unicode")
        return f'<?xml version="1.0" encoding="utf-8"?>\n{body}'.encode()

    def _fill(self, element, name, value):
        if isinstance(value, list):
            item_name = XML_ITEMS.get(name, "item")
            for item in value:
                child = ElementTree.SubElement(element, item_name)
                self._fill(child, item_name, item)
        elif isinstance(value, dict):
            for key, item in value.items():
                child = ElementTree.SubElement(element, key)
                self._fill(child, key, item)
        elif value is None:
            return
        elif isinstance(value, bool):
            element.text = "true" if value else "false"
        else:
            element.text = force_str(value)


class SuffixNegotiation(negotiation.DefaultContentNegotiation):
    """The URL's suffix alone chooses the format (clients' Accept headers vary widely)."""

    def select_renderer(self, request, renderers_, format_suffix=None):
        wanted = format_suffix or "json"
        for renderer in renderers_:
            if renderer.format == wanted:
                return renderer, renderer.media_type
        return renderers_[0], renderers_[0].media_type


# --- base view -------------------------------------------------------------------------------


class ApiKeyAuthentication(HashedTokenAuthentication):
    """Open311's `api_key` parameter (body or query) is an API token."""

    def authenticate(self, request):
        key = request.query_params.get("api_key")
        if not key and request.method == "POST" and isinstance(request.data, Mapping):
            key = request.data.get("api_key")
        if not key:
            return None
        if not isinstance(key, str):
            raise exceptions.AuthenticationFailed(_("The api_key is not valid."))
        return self.authenticate_credentials(key.strip())

    def authenticate_header(self, request):
        return None  # Open311 answers a bad key with 403, not a challenge


class Open311View(LanguageMixin, APIView):
    renderer_classes = [Open311JSONRenderer, Open311XMLRenderer]
    parser_classes = [LimitedFormParser, LimitedJSONParser]
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [permissions.AllowAny]
    content_negotiation_class = SuffixNegotiation
    xml_root = "response"
    schema = None  # documented in docs/api.md (the OpenAPI document covers /api/)

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.AuthenticationFailed | exceptions.NotAuthenticated):
            exc.status_code = 403
        response = super().handle_exception(exc)
        problem = response.data
        errors = [
            {
                "code": response.status_code,
                "description": (
                    f"{PARAMETER_OF_FIELD.get(e['field'], e['field'])}: {e['detail']}"
                    if e["field"]
                    else e["detail"]
                ),
            }
            for e in problem.get("errors") or []
        ] or [{"code": response.status_code, "description": problem["detail"]}]
        self.xml_root = "errors"
        open311 = Response(errors, status=response.status_code)
        for header in ("Retry-After",):
            if header in response:
                open311[header] = response[header]
        open311.exception = True
        return open311

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            return etag.conditional(request, response)
        return response


def _jurisdiction(request) -> ReceptionOffice | None:
    slug = request.query_params.get("jurisdiction_id") or ""
    if not slug:
        return None
    office = (
        ReceptionOffice.objects.filter(slug=slug, is_active=True).first()
        if is_safe_code(slug)
        else None
    )
    if office is None:
        raise ApiProblem(code="not_found", detail=_("jurisdiction_id was not found."))
    return office


def _local_iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


# --- discovery and services ----------------------------------------------------------------


class DiscoveryView(Open311View):
    xml_root = "discovery"

    def get(self, request, format=None):
        base = request.build_absolute_uri("/open311/v2")
        return Response(
            {
                "changeset": CHANGESET,
                "contact": getattr(
                    settings, "HALYQ_OPEN311_CONTACT", "Write to the party's central office."
                ),
                "key_service": force_str(
                    _(
                        "An api_key is an API token of an account that registers appeals for "
                        "the offices it files to; the party's central administrators set one up."
                    )
                ),
                "endpoints": [
                    {
                        "specification": SPECIFICATION,
                        "url": base,
                        "changeset": CHANGESET,
                        "type": "production",
                        "formats": ["application/json", "text/xml"],
                    }
                ],
            }
        )


def _service(category: Category) -> dict:
    name = localized(category, "name").text
    return {
        "service_code": category.code,
        "service_name": name,
        "description": name,
        "metadata": False,
        "type": "realtime",
        "keywords": category.code,
        "group": None,
    }


class ServiceListView(Open311View):
    xml_root = "services"

    def get(self, request, format=None):
        _jurisdiction(request)
        categories = Category.objects.filter(is_active=True).order_by("order", "code")
        return Response([_service(category) for category in categories])


class ServiceDefinitionView(Open311View):
    xml_root = "service_definition"

    def get(self, request, service_code, format=None):
        _jurisdiction(request)
        category = Category.objects.filter(code=service_code, is_active=True).first()
        if category is None:
            raise ApiProblem(code="not_found", detail=_("service_code was not found."))
        # No service takes extra attributes (metadata is false for all).
        return Response({"service_code": category.code, "attributes": []})


# --- requests --------------------------------------------------------------------------------

STATUS_NOTES = {
    State.REGISTERED: _("Registered; being routed to a deputy."),
    State.ASSIGNED: _("Assigned to a deputy; the answer is due by the expected date."),
    State.ANSWERED: _("Answered; waiting for the citizen to confirm the outcome."),
    State.CLOSED: _("Closed."),
    State.REJECTED: _("Rejected as spam or abuse."),
    State.DUPLICATE: _("Merged into an earlier request about the same problem."),
}


def _public_request(appeal: Appeal) -> dict:
    """One request as anybody may see it: no text, no place, no person."""
    expected = timezone.make_aware(datetime.combine(appeal.due_on, time(23, 59, 59)))
    return {
        "service_request_id": request_id(appeal.pk),
        "status": "open" if appeal.state in OPEN_STATES else "closed",
        "status_notes": force_str(STATUS_NOTES.get(appeal.state, "")),
        "service_name": localized(appeal.category, "name").text,
        "service_code": appeal.category.code,
        "description": None,
        "agency_responsible": localized(appeal.office, "name").text,
        "service_notice": None,
        "requested_datetime": _local_iso(appeal.received_at),
        "updated_datetime": _local_iso(appeal.updated_at),
        "expected_datetime": _local_iso(expected),
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


class RequestQuerySerializer(serializers.Serializer):
    service_request_id = serializers.CharField(required=False, max_length=MAX_IDS * 33)
    service_code = serializers.CharField(required=False, max_length=1000)
    start_date = serializers.DateTimeField(required=False)
    end_date = serializers.DateTimeField(required=False)
    status = serializers.CharField(required=False, max_length=20)
    jurisdiction_id = serializers.CharField(required=False, max_length=120)

    def validate_service_request_id(self, value):
        ids = [part.strip() for part in value.split(",") if part.strip()]
        if len(ids) > MAX_IDS:
            raise serializers.ValidationError(
                _("Ask for at most %(count)s ids.") % {"count": MAX_IDS}
            )
        return [appeal_id for appeal_id in map(appeal_id_of, ids) if appeal_id is not None]

    def validate_service_code(self, value):
        codes = [part.strip() for part in value.split(",") if part.strip()]
        known = set(
            Category.objects.filter(code__in=[c for c in codes if is_safe_code(c)]).values_list(
                "code", flat=True
            )
        )
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown service_code: %(codes)s.") % {"codes": ", ".join(unknown[:5])}
            )
        return codes

    def validate_status(self, value):
        statuses = {part.strip() for part in value.split(",") if part.strip()}
        if not statuses <= {"open", "closed"}:
            raise serializers.ValidationError(_("status is open, closed or both."))
        return statuses

    def validate(self, data):
        start, end = data.get("start_date"), data.get("end_date")
        if end is None:
            end = start + MAX_WINDOW if start is not None else timezone.now()
        if start is None:
            start = end - MAX_WINDOW
        if start > end:
            raise serializers.ValidationError({"start_date": _("start_date is after end_date.")})
        if end - start > MAX_WINDOW:
            raise serializers.ValidationError(
                {"end_date": _("The dates may span at most 90 days.")}
            )
        data["start_date"], data["end_date"] = start, end
        return data


class RequestListView(Open311View):
    xml_root = "service_requests"

    def get(self, request, format=None):
        query = RequestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        office = _jurisdiction(request)
        appeals = Appeal.objects.select_related("category", "office")
        if "service_request_id" in data:
            # The specification: ids override every other argument.
            appeals = appeals.filter(pk__in=data["service_request_id"])
        else:
            appeals = appeals.filter(
                appeal_selectors.counts_q(),
                region_id__in=public_region_ids(),
                received_at__gte=data["start_date"],
                received_at__lte=data["end_date"],
            )
            if data.get("service_code"):
                appeals = appeals.filter(category__code__in=data["service_code"])
            statuses = data.get("status") or {"open", "closed"}
            if statuses == {"open"}:
                appeals = appeals.filter(state__in=OPEN_STATES)
            elif statuses == {"closed"}:
                appeals = appeals.exclude(state__in=OPEN_STATES)
            if office is not None:
                appeals = appeals.filter(office=office)
        appeals = appeals.order_by("-received_at", "-id")[:MAX_REQUESTS]
        return Response([_public_request(appeal) for appeal in appeals])

    def post(self, request, format=None):
        user = request.user
        if not user.is_authenticated:
            raise ApiProblem(
                code="permission_denied",
                detail=_("Send your api_key to file a request."),
                status_code=403,
            )
        filed = FileRequestSerializer(data=request.data, context={"request": request})
        filed.is_valid(raise_exception=True)
        data = filed.validated_data
        appeal = appeal_services.appeal_register(
            channel=OPEN311_CHANNEL,
            registered_by=user,
            office=data["office"],
            category=data["category"],
            text=data["text"],
            idempotency_key=data["idempotency_key"],
            citizen_name=data["citizen_name"],
            citizen_email=data.get("email") or "",
            citizen_phone=data.get("phone") or "",
            language=request.LANGUAGE_CODE,
        )
        notice = _(
            "Registered under number %(number)s. The citizen receives a code to confirm the "
            "appeal; it is handled from then on."
        ) % {"number": appeal.number}
        return Response(
            [
                {
                    "service_request_id": request_id(appeal.pk),
                    "service_notice": force_str(notice),
                    "account_id": None,
                }
            ],
            status=201 if getattr(appeal, "just_created", True) else 200,
        )


class RequestDetailView(Open311View):
    xml_root = "service_requests"

    def get(self, request, service_request_id, format=None):
        appeal_id = appeal_id_of(service_request_id)
        appeal = (
            Appeal.objects.select_related("category", "office").filter(pk=appeal_id).first()
            if appeal_id is not None
            else None
        )
        if appeal is None:
            raise ApiProblem(code="not_found", detail=_("service_request_id was not found."))
        return Response([_public_request(appeal)])


# --- filing ----------------------------------------------------------------------------------


class FileRequestSerializer(serializers.Serializer):
    """POST requests: the specification's parameters; others (attribute[…]…) are ignored."""

    api_key = serializers.CharField()
    jurisdiction_id = serializers.CharField(required=False, allow_blank=True, max_length=120)
    service_code = serializers.CharField(max_length=40)
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    long = serializers.FloatField(required=False, min_value=-180, max_value=180)
    address_string = serializers.CharField(required=False, allow_blank=True, max_length=300)
    address_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    device_id = serializers.CharField(required=False, allow_blank=True, max_length=200)
    account_id = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(
        min_length=appeal_services.TEXT_MIN_LENGTH, max_length=appeal_services.TEXT_MAX_LENGTH
    )
    media_url = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate_service_code(self, value):
        category = (
            Category.objects.filter(code=value, is_active=True).first()
            if is_safe_code(value)
            else None
        )
        if category is None:
            raise serializers.ValidationError(_("service_code was not found."))
        return category

    def validate(self, data):
        if ("lat" in data) != ("long" in data):
            raise serializers.ValidationError({"lat": _("Send lat and long together.")})
        user = self.context["request"].user
        offices = appeal_selectors.offices_for_registration(user)
        slug = data.get("jurisdiction_id") or ""
        if slug:
            office = offices.filter(slug=slug).first() if is_safe_code(slug) else None
            if office is None:
                raise serializers.ValidationError(
                    {"jurisdiction_id": _("This api_key may not file requests to this office.")}
                )
        else:
            found = list(offices[:2])
            if len(found) != 1:
                raise serializers.ValidationError(
                    {
                        "jurisdiction_id": _(
                            "Name the reception office (its slug): this api_key files to "
                            "several offices or none."
                        )
                        if found
                        else _("This api_key may not file requests to any office.")
                    }
                )
            office = found[0]
        data["office"] = office
        data["category"] = data["service_code"]
        data["citizen_name"] = " ".join(
            part for part in (data.get("first_name", ""), data.get("last_name", "")) if part
        ).strip()
        data["text"] = self._text(data)
        data["idempotency_key"] = self._idempotency_key(data)
        return data

    def _text(self, data) -> str:
        text = data["description"].strip()
        place = []
        if data.get("address_string"):
            place.append(data["address_string"].strip())
        if "lat" in data:
            place.append(f"{data['lat']:.6f}, {data['long']:.6f}")
        return f"{text}\n\n📍 {' — '.join(place)}" if place else text

    def _idempotency_key(self, data) -> uuid.UUID:
        """The same request sent again by the same integration on the same day is one appeal.

        Open311 has no idempotency key; a client's retry after a lost answer must not file
        a second appeal. An `Idempotency-Key` header (a UUID) is honoured when sent.
        """
        request = self.context["request"]
        header = request.headers.get("Idempotency-Key", "").strip()
        if header:
            try:
                return uuid.UUID(header)
            except ValueError:
                raise serializers.ValidationError(
                    {"Idempotency-Key": _("The Idempotency-Key header must be a UUID.")}
                ) from None
        fingerprint = "|".join(
            str(part)
            for part in (
                request.user.pk,
                timezone.localdate().isoformat(),
                data["office"].pk,
                data["category"].code,
                data["text"],
                data["citizen_name"],
                data.get("email", ""),
                data.get("phone", ""),
            )
        )
        return uuid.uuid5(uuid.NAMESPACE_URL, f"halyq:open311:{fingerprint}")


class NotFoundView(Open311View):
    def _missing(self, request, *args, **kwargs):
        raise ApiProblem(code="not_found", detail=_("There is no such Open311 resource."))

    get = post = put = patch = delete = _missing
