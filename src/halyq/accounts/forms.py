"""Forms of the account pages. Each explains why it asks for what it asks.

Forms check the shape of the input; the services check it again and decide.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from halyq.accounts import throttling
from halyq.accounts.iin import validate_iin
from halyq.accounts.models import User
from halyq.accounts.phone import normalize_kazakhstan_phone
from halyq.core import ratelimit
from halyq.core.i18n import current_language
from halyq.directory.models import District, Region

LANGUAGE_CHOICES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]


class ResidenceFields(forms.Form):
    """Name, phone, language and residence: shared by sign-up and the profile."""

    display_name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=150,
        required=False,
        help_text=_(
            "Only the staff who handle your appeals see it, so they know how to address "
            "you. It never appears on a public page."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=32,
        required=False,
        help_text=_(
            "A Kazakhstan number, e.g. +7 701 234 56 78. Only the reception office handling "
            "your appeal may use it, to call you back about it."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=LANGUAGE_CHOICES,
        help_text=_("We write to you in this language."),
    )
    region = forms.ChoiceField(
        label=_("Region where you live"),
        help_text=_("So your appeals reach the right regional office."),
        error_messages={
            "required": _("Choose the region where you live."),
            "invalid_choice": _("Choose the region where you live."),
        },
    )
    district = forms.ChoiceField(
        label=_("District or city (optional)"),
        required=False,
        error_messages={"invalid_choice": _("Choose a district from the list.")},
        help_text=_("Helps route an appeal to the deputy of your district."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = current_language()
        regions = list(Region.objects.order_by(f"name_{language}"))
        districts = list(District.objects.order_by(f"name_{language}"))
        self._regions = {region.code: region for region in regions}
        self._districts = {district.code: district for district in districts}
        self.fields["region"].choices = [
            ("", _("Choose your region")),
            *[(region.code, str(region)) for region in regions],
        ]
        by_region: dict[int, list[tuple[str, str]]] = {}
        for district in districts:
            by_region.setdefault(district.region_id, []).append((district.code, str(district)))
        self.fields["district"].choices = [
            ("", _("Not specified")),
            *[(str(region), by_region[region.pk]) for region in regions if region.pk in by_region],
        ]
        self.fields["region"].widget.attrs["data-district-filter"] = self.add_prefix("district")

    def clean_phone(self) -> str:
        return normalize_kazakhstan_phone(self.cleaned_data.get("phone", ""))

    def clean_region(self) -> Region:
        region = self._regions.get(self.cleaned_data.get("region") or "")
        if region is None:
            raise ValidationError(_("Choose the region where you live."))
        return region

    def clean_district(self) -> District | None:
        code = self.cleaned_data.get("district") or ""
        return self._districts.get(code) if code else None

    def clean(self):
        cleaned = super().clean()
        region, district = cleaned.get("region"), cleaned.get("district")
        if region is not None and district is not None and district.region_id != region.pk:
            self.add_error("district", _("This district is not in the region you chose."))
        return cleaned


class SignUpForm(ResidenceFields):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_(
            "You sign in with it, and we send news about your appeals there. We will send "
            "a link to confirm it."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html,
    )
    consent = forms.BooleanField(
        label=_("I have read the text above and agree to the processing of my personal data."),
        error_messages={
            "required": _("To sign up you need to agree to the processing of your personal data.")
        },
    )
    # The version shown when the page was rendered: if a newer one was published since,
    # the person must read that one.
    consent_version = forms.CharField(widget=forms.HiddenInput, required=False)

    field_order = [
        "email",
        "password",
        "display_name",
        "phone",
        "language",
        "region",
        "district",
        "consent",
        "consent_version",
    ]

    def __init__(self, *args, current_consent_version: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_consent_version = current_consent_version

    def clean_consent_version(self) -> int:
        if self.cleaned_data.get("consent_version") != str(self.current_consent_version):
            # Reported on the checkbox, the visible part of the consent.
            self.add_error(
                "consent",
                _("The consent text has been updated. Please read it again and agree."),
            )
        return self.current_consent_version

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _(
                    "An account with this email already exists. Sign in, or reset your "
                    "password if you have forgotten it."
                ),
                code="email_taken",
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            # Checked here too (the service checks again) so every problem shows at once.
            candidate = User(
                email=cleaned.get("email") or self.data.get("email", ""),
                display_name=cleaned.get("display_name") or "",
            )
            try:
                validate_password(password, user=candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned


class ProfileForm(ResidenceFields):
    pass


class IINForm(forms.Form):
    # The IIN itself is optional: no asterisk, though this form needs one to submit.
    hide_required_marks = True

    iin = forms.CharField(
        label=_("IIN"),
        max_length=20,
        help_text=_(
            "Optional. Some offices need it to register an official appeal. It is stored "
            "encrypted, shown to you only partly hidden, and never published or exported."
        ),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_iin(self) -> str:
        return validate_iin(self.cleaned_data["iin"])


class PasswordConfirmationForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        help_text=_("Enter your password to confirm that it is you."),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RateLimitedAuthenticationForm(auth_forms.AuthenticationForm):
    """Sign-in that stops after too many failures for one email or from one client."""

    error_messages = {
        "invalid_login": _("The email or password is not correct."),
        "inactive": _("This account cannot sign in."),
    }

    def clean_username(self) -> str:
        return (self.cleaned_data.get("username") or "").strip().lower()

    def clean(self):
        email = self.cleaned_data.get("username") or ""
        subjects = [throttling.email_subject(email), ratelimit.client_key(self.request)]
        decision = throttling.peek(throttling.SIGN_IN_FAILURES, *subjects)
        if not decision.allowed:
            raise ValidationError(
                throttling.too_many_attempts_message(decision), code="rate_limited"
            )
        try:
            return super().clean()
        except ValidationError:
            throttling.hit(throttling.SIGN_IN_FAILURES, *subjects)
            raise


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, writing to each person in their own language."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context.get("user")
        with translation.override(getattr(user, "language", None) or current_language()):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )
