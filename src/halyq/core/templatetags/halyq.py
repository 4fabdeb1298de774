from django import template
from django.utils.html import format_html

from halyq.core.i18n import localized

register = template.Library()


@register.simple_tag
def tr(obj, field):
    """The reader's language version of a translated field, marked when it falls back."""
    value = localized(obj, field)
    if value.is_fallback:
        return format_html('<span lang="{}" class="fallback">{}</span>', value.language, value.text)
    return value.text


@register.filter
def trtext(obj, field):
    """The same text without markup, for attributes and titles."""
    return localized(obj, field).text


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()
