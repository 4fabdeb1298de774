"""The README.md written into every export: what is there, the rules, how to verify."""

from __future__ import annotations

from typing import Any

from halyq.opendata.package import LICENSE, Resource

_TEMPLATE = """\
# Halyq open data

Экспорт открытых данных Halyq: депутаты и активисты кадрового резерва, опубликованные
срезы рейтинга, псевдонимизированный журнал событий и сводная статистика. Лицензия
CC BY 4.0. Персональных данных граждан здесь нет; данные регионов в пилотном режиме
не публикуются.

Halyq ашық деректері: депутаттар мен кадр резервінің белсенділері, рейтингтің
жарияланған кесінділері, бүркеншік атпен жазылған оқиғалар журналы және жиынтық
статистика. Лицензия: CC BY 4.0. Азаматтардың дербес деректері жоқ; пилоттық
режимдегі өңірлердің деректері жарияланбайды.

Exported at {created}. The event log ends at entry {head_seq} (entry_hash `{head_hash}`).
{latest}

## Licence

{license_title} ({license_name}): {license_path}.
Attribute as "Halyq open data" with the export date.

## Files

| file | what it is |
| --- | --- |
{files}

`datapackage.json` describes every file (Frictionless Data Package): its size, its
SHA-256 hash and, for CSV files, every column and its type. CSV files are UTF-8,
comma-separated, with a header row; an empty cell is a missing or suppressed value.

People, organisations, memberships, posts and areas follow Popolo
(https://www.popoloproject.com/): names in Russian in the name fields and every
written form (kk, ru, en) in `other_names` with its `lang`; areas are `kato:<code>`.

## What is left out, and why

- **Personal data of citizens** never leaves the platform: no names, contacts, IINs,
  appeal texts or answers. In the event log citizens and appeals appear as keyed
  pseudonyms (HMAC-SHA-256 with a secret that is not published), people by their
  public id.
- **Regions in pilot.** While a region's rating is in pilot, its people, organisations,
  programmes and figures are absent. Its events stay in the chain as *withheld*
  entries: `{{"content_hash":..,"entry_hash":..,"prev_hash":..,"seq":N,"withheld":true}}`.
  Their content is private, but the chain still links: anyone can check
  `entry_hash = SHA-256(prev_hash || content_hash)`.
- **Small cells.** In `appeals_by_district.csv` a row whose appeals come from fewer than
  {minimum} distinct citizens is suppressed (counts empty, `suppressed` = true). In the
  other rows, a breakdown count from fewer than {minimum} citizens is left empty, and so
  are the next smallest counts until at least two are empty and they come from at least
  {minimum} citizens together, so that no empty count can be recovered by subtracting the
  others from the row's total. The table has no totals across rows. Zero counts are shown.

## The record and its anchors

Every event the rating is computed from is an entry of a hash chain (`events.jsonl`,
one canonical-JSON entry per line; the rules are in docs/ledger.md of the Halyq source
and in the module `halyq.ledger.chain`):

- `content_hash = SHA-256(canonical_json({{"kind","occurred_at","payload","seq"}}))`;
- `entry_hash = SHA-256(prev_hash || content_hash)` over the 64 raw bytes;
- canonical JSON is RFC 8785 without floats (decimals are strings such as "71.2500").

Each published snapshot in `snapshots.json` stores the chain head it was computed from
(`chain_head_seq`, `chain_head_hash`) and a Merkle root (RFC 6962) over its per-person
results: `merkle_root = MTH([canonical_json(result) for result sorted by person_id])`.
A copy of this export saved today proves that tomorrow's record still extends it: the
entries up to this head must be identical, so the head hash must reappear.

## How to verify

With the Halyq source installed, in the directory holding these files:

    halyq verify .

No database is needed. It checks every line of the event log and the links and hashes
of the whole chain (withheld entries included), each snapshot's chain head and Merkle
root, that each snapshot is the one its `snapshot.published` event announced (Merkle
root, chain head, inputs hash), and it recomputes every snapshot from
`snapshot_inputs/<id>/` with the published methodology: every figure of every person
must come out identical (`--no-recompute` skips this step). To check that a later export
extends this one, verify the later export and compare its entry at seq {head_seq}: its
`entry_hash` must be `{head_hash}`.
"""


def readme_text(
    *, created: str, resources: list[Resource], anchors: dict[str, Any], minimum: int
) -> str:
    latest = anchors.get("latest_snapshot")
    if latest:
        latest_text = (
            f"The latest published snapshot is {latest['snapshot_id']} (as of {latest['as_of']}, "
            f"methodology {latest['methodology']}): chain head seq {latest['chain_head_seq']} "
            f"(`{latest['chain_head_hash']}`), Merkle root `{latest['merkle_root']}`."
        )
    else:
        latest_text = "No rating snapshot has been published yet."
    files = "\n".join(
        f"| `{resource.path}` | {resource.title}: {resource.description} |"
        for resource in resources
    )
    head = anchors["chain_head"]
    return _TEMPLATE.format(
        created=created,
        head_seq=head["seq"],
        head_hash=head["entry_hash"],
        latest=latest_text,
        license_title=LICENSE["title"],
        license_name=LICENSE["name"],
        license_path=LICENSE["path"],
        files=files,
        minimum=minimum,
    )
