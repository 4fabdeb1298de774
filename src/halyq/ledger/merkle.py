"""Merkle tree hash (RFC 6962 §2.1, identical to RFC 9162 §2.1) and inclusion proofs.

A published rating snapshot commits to its per-person results with one Merkle root, so
a single person's result can be proven to be part of the snapshot with a short proof.

Definitions (SHA-256; ``||`` is byte concatenation; hashes are 32 raw bytes, written as
64 lowercase hex characters when published):

* leaf hash:  ``LH(d) = SHA256(0x00 || d)`` for the leaf data ``d`` (bytes);
* node hash:  ``NH(l, r) = SHA256(0x01 || l || r)``;
* the tree hash of ``n`` leaves ``D[0:n]``:

  - ``MTH({}) = SHA256()`` (hash of the empty string) for ``n = 0``;
  - ``MTH({d0}) = LH(d0)`` for ``n = 1``;
  - for ``n > 1``, let ``k`` be the largest power of two *strictly smaller* than ``n``;
    ``MTH(D[0:n]) = NH(MTH(D[0:k]), MTH(D[k:n]))``.

  Odd nodes are never duplicated (unlike Bitcoin's tree), so no two different leaf
  lists share a root.

* an inclusion proof for leaf ``m`` is RFC 6962's ``PATH(m, D[0:n])``: the list of
  sibling subtree hashes from the leaf up to the root, and is checked with the algorithm
  of RFC 9162 §2.1.3.2 (:func:`verify_inclusion`).

In a snapshot the leaves are ``canonical_json(result)`` of each per-person result,
ordered by ``person_id`` (see :mod:`halyq.ledger.verify`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Final

__all__ = [
    "EMPTY_ROOT",
    "inclusion_proof",
    "leaf_hash",
    "merkle_root",
    "merkle_root_from_hashes",
    "node_hash",
    "verify_inclusion",
]

_LEAF: Final = b"\x00"
_NODE: Final = b"\x01"

EMPTY_ROOT: Final = hashlib.sha256(b"").hexdigest()
"""Root of the empty tree (SHA-256 of zero bytes)."""


def leaf_hash(data: bytes) -> bytes:
    """``SHA256(0x00 || data)`` — 32 raw bytes."""
    return hashlib.sha256(_LEAF + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA256(0x01 || left || right)`` — 32 raw bytes."""
    return hashlib.sha256(_NODE + left + right).digest()


def merkle_root_from_hashes(leaf_hashes: Iterable[bytes]) -> str:
    """RFC 6962 tree hash over already-computed leaf hashes, as hex.

    Streaming, O(log n) memory: a stack holds perfect subtrees of decreasing size (the
    binary digits of the number of leaves so far); merging them right to left at the end
    gives exactly MTH, whose left subtrees are always perfect.
    """
    stack: list[tuple[int, bytes]] = []  # (subtree size, hash)
    for h in leaf_hashes:
        size, node = 1, h
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            node = node_hash(left, node)
            size += left_size
        stack.append((size, node))
    if not stack:
        return EMPTY_ROOT
    node = stack.pop()[1]
    while stack:
        node = node_hash(stack.pop()[1], node)
    return node.hex()


def merkle_root(leaves: Iterable[bytes]) -> str:
    """RFC 6962 ``MTH`` of the leaf data ``leaves`` (each hashed with :func:`leaf_hash`)."""
    return merkle_root_from_hashes(leaf_hash(data) for data in leaves)


def _split(n: int) -> int:
    """Largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def _mth(hashes: Sequence[bytes]) -> bytes:
    n = len(hashes)
    if n == 1:
        return hashes[0]
    k = _split(n)
    return node_hash(_mth(hashes[:k]), _mth(hashes[k:]))


def _path(m: int, hashes: Sequence[bytes]) -> list[bytes]:
    n = len(hashes)
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(m, hashes[:k]), _mth(hashes[k:])]
    return [*_path(m - k, hashes[k:]), _mth(hashes[:k])]


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[str]:
    """RFC 6962 ``PATH(index, leaves)`` as hex strings (leaf-side first).

    Raises ``IndexError`` if ``index`` is not in ``range(len(leaves))``.
    """
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf index {index} is outside a tree of {len(leaves)} leaves")
    hashes = [leaf_hash(data) for data in leaves]
    return [h.hex() for h in _path(index, hashes)]


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[str], root: str) -> bool:
    """Check that ``leaf`` (data, not hash) is leaf ``index`` of the ``size``-leaf tree
    with root ``root`` (hex), using ``proof`` (hex strings). RFC 9162 §2.1.3.2.

    Returns False (never raises) for any malformed input.
    """
    if not (isinstance(index, int) and isinstance(size, int)) or not 0 <= index < size:
        return False
    try:
        path = [bytes.fromhex(p) for p in proof]
        expected = bytes.fromhex(root)
    except (ValueError, TypeError):
        return False
    if any(len(p) != 32 for p in path) or len(expected) != 32:
        return False
    fn, sn = index, size - 1
    r = leaf_hash(leaf)
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected
