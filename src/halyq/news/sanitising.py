"""The HTML an editor may put in an article body, enforced by nh3 (an allow-list sanitiser).

Rules:
- Only the tags the editor's toolbar produces survive, with only the attributes listed
  here; everything else is stripped (its text kept), and `<script>`/`<style>` lose
  their content too.
- Links may point only to http, https and mailto addresses (or relative addresses on
  this site) and always get `rel="noopener noreferrer"`.
- No `style`, `class`, `id` or event-handler attribute survives on any tag.
- Bodies are sanitised when saved (`article_create`/`article_update`), so a page shows
  the stored HTML as is. Titles, leads, captions and comments are never HTML: they
  are plain text, escaped by the templates.
"""

from __future__ import annotations

import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "b",
        "em",
        "i",
        "a",
        "h2",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "blockquote",
    }
)
# `lang` on any tag marks a phrase in another language (screen readers switch voice).
ALLOWED_ATTRIBUTES = {"*": {"lang"}, "a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
WORDS_PER_MINUTE = 200

_WORD = re.compile(r"\w+", re.UNICODE)


def sanitize_html(html: str) -> str:
    """The body HTML reduced to the allow-list."""
    cleaned = nh3.clean(
        html or "",
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return cleaned.strip()


def plain_text(html: str) -> str:
    """The text of an HTML fragment without any tag (for word counts and summaries)."""
    return nh3.clean(html or "", tags=set(), clean_content_tags={"script", "style"})


def reading_minutes(html: str) -> int:
    """Minutes a reader needs at about 200 words a minute, never less than one."""
    words = len(_WORD.findall(plain_text(html)))
    return max(1, round(words / WORDS_PER_MINUTE))
