"""The body sanitiser keeps the editor's formatting and nothing that could run or restyle."""

import pytest

from halyq.news.sanitising import plain_text, reading_minutes, sanitize_html
from tests.news.xss import PAYLOADS, executable_markup


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_known_payload_comes_out_harmless(payload):
    cleaned = sanitize_html(f"<p>before</p>{payload}<p>after</p>")
    assert executable_markup(cleaned) == [], cleaned
    assert "<script" not in cleaned.lower()
    assert "javascript:" not in cleaned.lower()
    assert "<p>before</p>" in cleaned


def test_the_toolbars_formatting_survives():
    html = (
        "<h2>Heading</h2><p>A <strong>bold</strong> and <em>italic</em> word, "
        '<a href="https://gov.kz/page">a link</a>.</p>'
        "<ul><li>one</li><li>two</li></ul><blockquote>quoted</blockquote><h3>Sub</h3>"
    )
    cleaned = sanitize_html(html)
    for fragment in (
        "<h2>Heading</h2>",
        "<strong>bold</strong>",
        "<em>italic</em>",
        "<ul><li>one</li>",
        "<blockquote>quoted</blockquote>",
    ):
        assert fragment in cleaned


def test_links_get_rel_noopener_and_keep_only_safe_schemes():
    cleaned = sanitize_html(
        '<a href="https://a.kz" target="_blank">a</a><a href="mailto:press@halyq.kz">m</a>'
        '<a href="ftp://x.kz">f</a><a href="/people/">internal</a>'
    )
    assert '<a href="https://a.kz" rel="noopener noreferrer">a</a>' in cleaned
    assert 'href="mailto:press@halyq.kz"' in cleaned
    assert "ftp:" not in cleaned
    assert 'href="/people/"' in cleaned
    assert "target" not in cleaned


def test_unknown_tags_lose_the_tag_but_keep_the_text_and_script_loses_both():
    assert sanitize_html("<marquee>moving</marquee>") == "moving"
    assert sanitize_html("<script>steal()</script>safe") == "safe"
    assert sanitize_html("<style>p{}</style>safe") == "safe"


def test_attributes_off_the_allow_list_are_removed():
    cleaned = sanitize_html('<p class="x" id="y" style="color:red" title="t" lang="kk">text</p>')
    assert cleaned == '<p lang="kk">text</p>'


def test_reading_time_counts_words_not_markup():
    assert reading_minutes("") == 1
    assert reading_minutes("<p>" + "слово " * 1000 + "</p>") == 5
    assert "strong" not in plain_text("<p><strong>bold</strong></p>")
