"""Forms of the news section: query parameters (a bad one is a 400) and what people send."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from halyq.core.i18n import LANGUAGE_CODES
from halyq.directory.models import Organization, Person, Region
from halyq.news.images import clean_cover
from halyq.news.models import Article, Category, Comment, CommentDecision, Reaction
from halyq.news.selectors import DEFAULT_PERIOD
from halyq.news.services import MAX_READ_ALSO, ArticleData

LANGUAGE_NAMES = {"kk": _("Kazakh"), "ru": _("Russian"), "en": _("English")}
PERIOD_CHOICES = [("24h", _("24 hours")), ("7d", _("7 days"))]


class NewsListForm(forms.Form):
    """The news pages' query parameters."""

    page = forms.IntegerField(label=_("Page"), min_value=1, required=False)
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)

    def clean_period(self) -> str:
        return self.cleaned_data["period"] or DEFAULT_PERIOD


class StaffListForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("draft", _("Drafts")),
            ("scheduled", _("Scheduled")),
            ("published", _("Published")),
        ],
    )
    q = forms.CharField(label=_("Title"), required=False, max_length=100)
    page = forms.IntegerField(min_value=1, required=False)


class ModerationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Awaiting moderation")),
            *[(value, label) for value, label in Comment.Status.choices if value != "pending"],
        ],
    )
    page = forms.IntegerField(min_value=1, required=False)

    def clean_status(self) -> str:
        return self.cleaned_data["status"] or Comment.Status.PENDING


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=Comment.MAX_LENGTH,
        widget=forms.Textarea(
            attrs={"rows": 4, "maxlength": Comment.MAX_LENGTH, "aria-describedby": "comment-help"}
        ),
        help_text=_("Plain text. Shown under a pseudonym, never with your name."),
    )


class ReactionForm(forms.Form):
    code = forms.ChoiceField(choices=Reaction.Code.choices)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (CommentDecision.Decision.PUBLISH, _("publish")),
            (CommentDecision.Decision.REJECT, _("reject")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class PublishForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publication time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty to publish now; a future time schedules the article."),
    )

    def clean_publish_at(self):
        value = self.cleaned_data["publish_at"]
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


def _lines(text: str) -> list[str]:
    return [item.strip() for item in re.split(r"[\n,;]+", text or "") if item.strip()]


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


class ArticleForm(forms.Form):
    """An article as an editor writes it; texts per language, links by address."""

    slug = forms.SlugField(
        label=_("Address"),
        required=False,
        max_length=100,
        help_text=_("Latin letters, digits and hyphens; made from the title when empty."),
    )
    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_cover = forms.BooleanField(label=_("Remove the cover image"), required=False)
    cover_credit = forms.CharField(label=_("Photo credit"), required=False, max_length=150)
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.order_by("order", "slug"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="slug",
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas."),
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organization.objects.filter(
            classification__in=[
                Organization.Classification.PARTY,
                Organization.Classification.BRANCH,
                Organization.Classification.FACTION,
            ]
        ).order_by("classification", "name_ru"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        to_field_name="slug",
    )
    persons = forms.CharField(
        label=_("People the article is about"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Addresses of their profiles (or their identifiers), one per line."),
    )
    read_also = forms.CharField(
        label=_("Read also"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Addresses of up to six articles, one per line, in the order to show; "
            "more are added automatically."
        ),
    )

    def __init__(self, *args, article: Article | None = None, **kwargs):
        self.article = article
        super().__init__(*args, **kwargs)
        for code in LANGUAGE_CODES:
            language = LANGUAGE_NAMES[code]
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title"), required=False, max_length=200
            )
            self.fields[f"lead_{code}"] = forms.CharField(
                label=_("Lead"),
                required=False,
                max_length=600,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("One or two sentences under the headline."),
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Text"),
                required=False,
                max_length=100_000,
                widget=forms.Textarea(
                    attrs={"rows": 16, "class": "news-editor-source", "lang": code}
                ),
            )
            self.fields[f"cover_caption_{code}"] = forms.CharField(
                label=_("Caption"), required=False, max_length=300
            )
            for name in ("title", "lead", "body", "cover_caption"):
                self.fields[f"{name}_{code}"].widget.attrs["lang"] = code
                self.fields[f"{name}_{code}"].language_name = language
        if article is not None and not self.is_bound:
            self.initial.update(self._initial_from(article))

    @staticmethod
    def _initial_from(article: Article) -> dict:
        initial = {
            "slug": article.slug,
            "cover_credit": article.cover_credit,
            "categories": list(article.categories.all()),
            "regions": list(article.regions.all()),
            "organizations": list(article.organizations.all()),
            "tags": ", ".join(tag.name_ru for tag in article.tags.all()),
            "persons": "\n".join(str(p.public_id) for p in article.persons.all()),
            "read_also": "\n".join(
                link.target.slug
                for link in article.read_also_links.select_related("target").order_by("position")
            ),
        }
        for code in LANGUAGE_CODES:
            for name in ("title", "lead", "body", "cover_caption"):
                initial[f"{name}_{code}"] = getattr(article, f"{name}_{code}")
        return initial

    def language_sections(self):
        """The per-language fields grouped for the template."""
        return [
            {
                "code": code,
                "name": LANGUAGE_NAMES[code],
                "fields": [
                    self[f"{name}_{code}"] for name in ("title", "lead", "body", "cover_caption")
                ],
                "body": self[f"body_{code}"],
            }
            for code in LANGUAGE_CODES
        ]

    def clean_cover(self):
        upload = self.cleaned_data.get("cover")
        if not upload:
            return None
        return clean_cover(upload)  # checks the size before it decodes anything

    def clean_tags(self):
        names = _lines(self.cleaned_data["tags"])
        if len(names) > 12:
            raise ValidationError(_("Use at most 12 tags."))
        return names

    def clean_persons(self):
        people = []
        for line in _lines(self.cleaned_data["persons"]):
            match = _UUID.search(line)
            person = (
                Person.objects.filter(public_id=uuid.UUID(match.group(0))).first()
                if match
                else None
            )
            if person is None:
                raise ValidationError(_("No person found for “%(value)s”.") % {"value": line[:80]})
            if person not in people:
                people.append(person)
        return people

    def clean_read_also(self):
        articles = []
        for line in _lines(self.cleaned_data["read_also"]):
            # An address (any language's) ends with the article's slug.
            slug = line.split("?")[0].split("#")[0].rstrip("/").rsplit("/", 1)[-1]
            article = Article.objects.filter(slug=slug).first()
            if article is None:
                raise ValidationError(_("No article found for “%(value)s”.") % {"value": line[:80]})
            if self.article is not None and article.pk == self.article.pk:
                raise ValidationError(_("An article cannot recommend itself."))
            if article not in articles:
                articles.append(article)
        if len(articles) > MAX_READ_ALSO:
            raise ValidationError(
                _("Choose at most %(count)d articles to read also.") % {"count": MAX_READ_ALSO}
            )
        return articles

    def to_data(self) -> ArticleData:
        """The cleaned form as the services' input (new tags are created by the service)."""
        data = self.cleaned_data
        return ArticleData(
            title={c: data[f"title_{c}"] for c in LANGUAGE_CODES},
            lead={c: data[f"lead_{c}"] for c in LANGUAGE_CODES},
            body={c: data[f"body_{c}"] for c in LANGUAGE_CODES},
            cover_caption={c: data[f"cover_caption_{c}"] for c in LANGUAGE_CODES},
            cover=data.get("cover"),
            remove_cover=data.get("remove_cover", False),
            cover_credit=data["cover_credit"],
            slug=data["slug"],
            categories=list(data["categories"]),
            tag_names=data["tags"],
            persons=data["persons"],
            regions=list(data["regions"]),
            organizations=list(data["organizations"]),
            read_also=data["read_also"],
        )
