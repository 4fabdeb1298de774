"""Tamper-evident public record: canonical JSON, hash chain, Merkle roots, verifier.

Pure Python (no Django): anyone can check an open-data export with
``python -m halyq.ledger.verify DIR``. See the modules for the exact rules:

* :mod:`halyq.ledger.canonical` — the byte encoding that is hashed;
* :mod:`halyq.ledger.chain` — entries, ``content_hash`` and ``entry_hash``;
* :mod:`halyq.ledger.merkle` — RFC 6962 Merkle roots and inclusion proofs;
* :mod:`halyq.ledger.verify` — the export format and its verification
  (``from halyq.ledger.verify import verify_export``; not imported here so that
  ``python -m halyq.ledger.verify`` runs cleanly).
"""

from halyq.ledger.canonical import CanonicalJSONError, canonical_json
from halyq.ledger.chain import (
    GENESIS_HASH,
    ChainHead,
    ChainReport,
    Entry,
    Problem,
    make_entry,
    verify_chain,
)
from halyq.ledger.merkle import inclusion_proof, leaf_hash, merkle_root, verify_inclusion

__all__ = [
    "GENESIS_HASH",
    "CanonicalJSONError",
    "ChainHead",
    "ChainReport",
    "Entry",
    "Problem",
    "canonical_json",
    "inclusion_proof",
    "leaf_hash",
    "make_entry",
    "merkle_root",
    "verify_chain",
    "verify_inclusion",
]
