"""RFC 6962 Merkle tree hash and inclusion proofs."""

from __future__ import annotations

import hashlib

import pytest

from halyq.ledger.merkle import (
    EMPTY_ROOT,
    inclusion_proof,
    leaf_hash,
    merkle_root,
    node_hash,
    verify_inclusion,
)


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def test_three_leaves_by_hand():
    a, b, c = b"alpha", b"beta", b"gamma"
    la, lb, lc = sha(b"\x00" + a), sha(b"\x00" + b), sha(b"\x00" + c)
    # n = 3: k = 2, root = NH(MTH(a, b), MTH(c)) = NH(NH(LH(a), LH(b)), LH(c))
    expected = sha(b"\x01" + sha(b"\x01" + la + lb) + lc)
    assert merkle_root([a, b, c]) == expected.hex()
    assert leaf_hash(a) == la
    assert node_hash(la, lb) == sha(b"\x01" + la + lb)


def test_odd_node_not_duplicated():
    a, b, c = b"a", b"b", b"c"
    duplicated = node_hash(
        node_hash(leaf_hash(a), leaf_hash(b)), node_hash(leaf_hash(c), leaf_hash(c))
    )
    assert merkle_root([a, b, c]) != duplicated.hex()
    assert merkle_root([a, b, c]) != merkle_root([a, b, c, c])


def test_five_leaves_by_hand():
    leaves = [bytes([i]) for i in range(5)]
    h = [leaf_hash(x) for x in leaves]
    # n = 5: k = 4; left = perfect tree of 4, right = the fifth leaf alone
    expected = node_hash(node_hash(node_hash(h[0], h[1]), node_hash(h[2], h[3])), h[4])
    assert merkle_root(leaves) == expected.hex()


def test_empty_and_single():
    assert merkle_root([]) == EMPTY_ROOT == hashlib.sha256(b"").hexdigest()
    assert merkle_root([b"x"]) == leaf_hash(b"x").hex()


# Certificate Transparency reference test data (RFC 6962 implementations share it).
CT_LEAVES = [
    bytes.fromhex(x)
    for x in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


@pytest.mark.parametrize("size", range(1, 9))
def test_ct_reference_roots(size):
    assert merkle_root(CT_LEAVES[:size]) == CT_ROOTS[size - 1]


@pytest.mark.parametrize(
    ("index", "proof"),
    [
        (
            0,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
    ],
)
def test_ct_reference_inclusion_proofs(index, proof):
    assert inclusion_proof(CT_LEAVES, index) == proof
    assert verify_inclusion(CT_LEAVES[index], index, 8, proof, CT_ROOTS[7])


@pytest.mark.parametrize("size", range(1, 18))
def test_inclusion_proofs_for_every_index(size):
    leaves = [f"leaf {i}".encode() for i in range(size)]
    root = merkle_root(leaves)
    for index in range(size):
        proof = inclusion_proof(leaves, index)
        assert verify_inclusion(leaves[index], index, size, proof, root)
        # and it proves nothing else
        assert not verify_inclusion(leaves[index] + b"!", index, size, proof, root)
        # (the tree size is not bound by the proof itself: RFC 9162 takes it from the
        # signed/published tree head, here the snapshot)
        if size > 1:
            other = (index + 1) % size
            assert not verify_inclusion(leaves[index], other, size, proof, root)
            assert not verify_inclusion(leaves[index], index, size, proof[:-1], root)
            assert not verify_inclusion(leaves[index], index, size, [*proof, proof[0]], root)
            flipped = [
                p if i else ("0" if p[0] != "0" else "1") + p[1:] for i, p in enumerate(proof)
            ]
            assert not verify_inclusion(leaves[index], index, size, flipped, root)
        assert not verify_inclusion(leaves[index], index, size, proof, "00" * 32)


def test_bad_inputs_are_false_or_errors():
    leaves = [b"a", b"b", b"c"]
    root = merkle_root(leaves)
    proof = inclusion_proof(leaves, 1)
    assert not verify_inclusion(b"b", -1, 3, proof, root)
    assert not verify_inclusion(b"b", 3, 3, proof, root)
    assert not verify_inclusion(b"b", 1, 3, ["zz"], root)
    assert not verify_inclusion(b"b", 1, 3, proof, "not hex")
    assert not verify_inclusion(b"b", 1, 3, ["ab"], root)
    with pytest.raises(IndexError):
        inclusion_proof(leaves, 3)
    with pytest.raises(IndexError):
        inclusion_proof([], 0)


def test_streaming_root_matches_recursive_definition():
    def mth(hashes: list[bytes]) -> bytes:
        if len(hashes) == 1:
            return hashes[0]
        k = 1
        while k * 2 < len(hashes):
            k *= 2
        return node_hash(mth(hashes[:k]), mth(hashes[k:]))

    for size in range(1, 70):
        leaves = [i.to_bytes(2, "big") for i in range(size)]
        assert merkle_root(iter(leaves)) == mth([leaf_hash(x) for x in leaves]).hex()
