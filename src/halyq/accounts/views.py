"""Account pages: sign-up, email confirmation, sign-in, password reset, the profile,
download of one's own data and deletion of the account.

Views are thin: forms check input, services change data, selectors read it. Pages
that show personal data are never cached (Cache-Control: no-store).
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from halyq.accounts import personal_data, selectors, services, throttling
from halyq.accounts.forms import (
    IINForm,
    PasswordConfirmationForm,
    PasswordResetForm,
    ProfileForm,
    RateLimitedAuthenticationForm,
    SignUpForm,
)
from halyq.accounts.models import Consent, ConsentText
from halyq.accounts.phone import format_kazakhstan_phone
from halyq.core import ratelimit
from halyq.core.i18n import current_language, localized

TOO_MANY_REQUESTS = 429
# Anyone signed in with an active account manages their own account, and only it
# (rules.py); a visitor is sent to the sign-in page.
own_account_required = permission_required("accounts.manage_own_account")


def _site_url(request) -> str:
    return request.build_absolute_uri("/")


def _add_service_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- sign-up and confirmation --------------------------------------------------------


@sensitive_post_parameters("password", "email", "phone", "display_name")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    consent_text = selectors.consent_text_current()
    if consent_text is None:  # only before migrations have run
        raise Http404
    status = 200
    if request.method == "POST":
        form = SignUpForm(request.POST, current_consent_version=consent_text.version)
        decision = throttling.hit(throttling.SIGN_UP, ratelimit.client_key(request))
        if not decision.allowed:
            form.is_valid()  # so the page can show the entered values back
            form.add_error(None, throttling.too_many_attempts_message(decision))
            status = TOO_MANY_REQUESTS
        elif form.is_valid():
            data = form.cleaned_data
            try:
                user = services.user_sign_up(
                    email=data["email"],
                    password=data["password"],
                    display_name=data["display_name"],
                    phone=data["phone"],
                    language=data["language"],
                    region=data["region"],
                    district=data["district"],
                    consent_text=consent_text,
                    consent_language=current_language(),
                    site_url=_site_url(request),
                )
            except ValidationError as error:
                _add_service_error(form, error)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request,
                    _(
                        "Welcome! We have sent you a link to confirm your email. "
                        "Until you confirm it, what you file is kept but does not count."
                    ),
                )
                return redirect("accounts:profile")
    else:
        form = SignUpForm(
            initial={"language": current_language(), "consent_version": consent_text.version},
            current_consent_version=consent_text.version,
        )
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "consent_text": consent_text},
        status=status,
    )


@never_cache
@require_GET
def confirm_email(request, token: str):
    try:
        confirmation = services.user_confirm_email(token=token)
    except ValidationError as error:
        return render(
            request,
            "accounts/confirm_result.html",
            {"outcome": error.code or "invalid", "message": error.messages[0]},
            status=400,
        )
    return render(
        request,
        "accounts/confirm_result.html",
        {"outcome": "confirmed" if confirmation.newly_confirmed else "already"},
    )


@require_POST
@own_account_required
def resend_confirmation(request):
    user = request.user
    if user.email_confirmed_at is not None:
        messages.info(request, _("Your email is already confirmed."))
        return redirect("accounts:profile")
    decision = throttling.hit(
        throttling.CONFIRMATION_RESEND_PER_ACCOUNT, throttling.account_subject(user)
    )
    if decision.allowed:
        decision = throttling.hit(
            throttling.CONFIRMATION_RESEND_PER_CLIENT, ratelimit.client_key(request)
        )
    if not decision.allowed:
        messages.error(request, throttling.too_many_attempts_message(decision))
        return redirect("accounts:profile")
    services.user_send_confirmation(user=user, site_url=_site_url(request))
    messages.success(request, _("We have sent a new confirmation link. Check your inbox."))
    return redirect("accounts:profile")


# --- sign-in and passwords -----------------------------------------------------------


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = RateLimitedAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if any(error.code == "rate_limited" for error in form.non_field_errors().as_data()):
            response.status_code = TOO_MANY_REQUESTS
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, limited per client and per email address (a stranger can hit it)."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        decision = throttling.hit(
            throttling.PASSWORD_RESET_PER_CLIENT, ratelimit.client_key(self.request)
        )
        if decision.allowed:
            decision = throttling.hit(
                throttling.PASSWORD_RESET_PER_EMAIL,
                throttling.email_subject(form.cleaned_data["email"]),
            )
        if not decision.allowed:
            form.add_error(None, throttling.too_many_attempts_message(decision))
            response = self.form_invalid(form)
            response.status_code = TOO_MANY_REQUESTS
            return response
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


# --- the profile ---------------------------------------------------------------------


def _profile_initial(user) -> dict:
    return {
        "display_name": user.display_name,
        "phone": format_kazakhstan_phone(user.phone),
        "language": user.language,
        "region": user.region.code if user.region_id else "",
        "district": user.district.code if user.district_id else "",
    }


def _render_profile(request, *, profile_form=None, iin_form=None, status=200):
    user = request.user
    current_text = selectors.consent_text_current()
    consent = selectors.consent_current(user=user)
    context = {
        "profile_form": profile_form or ProfileForm(initial=_profile_initial(user)),
        "iin_form": iin_form or IINForm(),
        "iin_masked": selectors.user_iin_masked(user=user),
        "consent": consent,
        "consent_outdated": bool(
            current_text
            and (consent is None or consent.consent_text.version < current_text.version)
        ),
        "current_consent_text": current_text,
        "is_confirmed": selectors.is_confirmed_citizen(user),
    }
    return render(request, "accounts/profile.html", context, status=status)


@sensitive_post_parameters("phone", "display_name")
@never_cache
@require_http_methods(["GET", "POST"])
@own_account_required
def profile(request):
    if request.method == "GET":
        return _render_profile(request)
    form = ProfileForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update_profile(
                user=request.user,
                display_name=data["display_name"],
                phone=data["phone"],
                language=data["language"],
                region=data["region"],
                district=data["district"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    return _render_profile(request, profile_form=form)


@sensitive_post_parameters("iin")
@never_cache
@require_POST
@own_account_required
def set_iin(request):
    form = IINForm(request.POST)
    decision = throttling.hit(throttling.IIN_ATTEMPTS, throttling.account_subject(request.user))
    if not decision.allowed:
        form.is_valid()
        form.add_error(None, throttling.too_many_attempts_message(decision))
        return _render_profile(request, iin_form=form, status=TOO_MANY_REQUESTS)
    if form.is_valid():
        try:
            services.user_set_iin(user=request.user, iin=form.cleaned_data["iin"])
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Your IIN has been saved."))
            return redirect("accounts:profile")
    return _render_profile(request, iin_form=form, status=400)


@require_POST
@own_account_required
def remove_iin(request):
    services.user_remove_iin(user=request.user)
    messages.success(request, _("Your IIN has been removed."))
    return redirect("accounts:profile")


@require_POST
@own_account_required
def renew_consent(request):
    current = selectors.consent_text_current()
    version = request.POST.get("consent_version", "")
    if current is None or version != str(current.version):
        messages.error(
            request, _("The consent text has been updated. Please read it again and agree.")
        )
        return redirect("accounts:profile")
    services.consent_give(
        user=request.user,
        consent_text=current,
        channel=Consent.Channel.RENEWAL,
        language=current_language(),
    )
    messages.success(request, _("Thank you: your consent to the new version is recorded."))
    return redirect("accounts:profile")


@require_GET
def consent_text(request, version: int | None = None):
    """The consent text, public: anyone may read what they would agree to."""
    try:
        text = (
            selectors.consent_text_get(version=version)
            if version is not None
            else selectors.consent_text_current()
        )
    except ConsentText.DoesNotExist as missing:
        raise Http404 from missing
    if text is None:
        raise Http404
    return render(
        request, "accounts/consent.html", {"consent_text": text, "body": localized(text, "text")}
    )


# --- one's own data ------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@own_account_required
def download_data(request):
    """Everything the registry's providers hold about the signed-in person, as JSON."""
    now = timezone.now()
    document = {
        "format": "halyq-personal-data",
        "format_version": 1,
        "generated_at": now,
        "account_id": request.user.pk,
        "sections": personal_data.export_all(request.user),
    }
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="halyq-my-data-{timezone.localdate(now):%Y-%m-%d}.json"'
    )
    return response


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
@own_account_required
def delete_account(request):
    user = request.user
    status = 200
    if request.method == "POST":
        form = PasswordConfirmationForm(request.POST)
        subject = throttling.account_subject(user)
        decision = throttling.peek(throttling.PASSWORD_CHECK_FAILURES, subject)
        if not decision.allowed:
            form.is_valid()
            form.add_error(None, throttling.too_many_attempts_message(decision))
            status = TOO_MANY_REQUESTS
        elif form.is_valid():
            try:
                services.user_delete_account(user=user, password=form.cleaned_data["password"])
            except ValidationError as error:
                throttling.hit(throttling.PASSWORD_CHECK_FAILURES, subject)
                _add_service_error(form, error)
                status = 400
            else:
                logout(request)
                messages.success(
                    request,
                    _(
                        "Your account has been deleted and your personal data erased. "
                        "Thank you for using Halyq."
                    ),
                )
                return redirect("core:home")
    else:
        form = PasswordConfirmationForm()
    return render(request, "accounts/delete.html", {"form": form}, status=status)
