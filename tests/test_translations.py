"""Every interface string has a Kazakh and a Russian translation that gettext will use."""

import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "src" / "halyq" / "locale"
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def entries(po_file: Path):
    """(msgid, [translations], fuzzy) per entry; obsolete entries and the header skipped."""
    entry = None
    for line in [*po_file.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry and entry["msgid"]:
                yield entry["msgid"], entry["msgstr"], entry["fuzzy"]
            entry = None
            continue
        if line.startswith("#~"):
            continue
        entry = entry or {"msgid": "", "msgstr": [], "fuzzy": False, "field": None}
        if line.startswith("#,") and "fuzzy" in line:
            entry["fuzzy"] = True
        elif line.startswith("msgid "):
            entry["field"] = "msgid"
            entry["msgid"] = "".join(QUOTED.findall(line))
        elif line.startswith("msgstr"):
            entry["field"] = "msgstr"
            entry["msgstr"].append("".join(QUOTED.findall(line)))
        elif line.startswith('"') and entry["field"] == "msgid":
            entry["msgid"] += "".join(QUOTED.findall(line))
        elif line.startswith('"') and entry["field"] == "msgstr":
            entry["msgstr"][-1] += "".join(QUOTED.findall(line))


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_string_is_translated_and_none_is_a_fuzzy_guess(language):
    po_file = LOCALE / language / "LC_MESSAGES" / "django.po"
    found = list(entries(po_file))
    assert len(found) > 1000
    untranslated = [msgid for msgid, translations, _ in found if not all(translations)]
    fuzzy = [msgid for msgid, _, is_fuzzy in found if is_fuzzy]
    assert untranslated == [] and fuzzy == []
