"""MinHash signatures and LSH band keys: which claims are worth comparing at all.

A claimant named in thousands of claims (a candidate in a campaign) cannot have every
new claim compared with all of them at ingest. Each claim's match tokens get a MinHash
signature; the signature is cut into `BANDS` bands of `ROWS` values, and each band
becomes a key. Two claims that share a key are candidates; the index looks candidates up
as exact terms (a keyword field next to the claimant id), which both engines do cheaply.

The signature is datasketch's (`datasketch.MinHash(num_perm=NUM_PERM, seed=SEED,
scheme="legacy")`: SHA-1 of each token, then universal hashing modulo the Mersenne prime
2^61 - 1), and a band is the same slice `datasketch.MinHashLSH` hashes. It is computed
here with numpy alone because datasketch imports scipy, 143 MB installed, and the ingest
artifact has about 6 MB to spare; tests/unit/test_clusters.py checks that both give the
same values, so the index can be checked or rebuilt with datasketch itself.

With 32 bands of 2 rows, two claims whose token sets have Jaccard similarity s are
candidates with probability 1 - (1 - s^2)^32: 0.73 at s = 0.2, 0.95 at 0.3, 1.00 from
0.5. That is far below the Jaccard matching asks for (0.7), on purpose: the band keys are
stored in the index, and this way the matching thresholds (or its containment rule) can
be lowered later without recomputing every claim's keys.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable
from functools import cache

import numpy as np
import numpy.typing as npt

NUM_PERM = 64
SEED = 1
BANDS = 32
ROWS = 2
_MERSENNE_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)

Signature = npt.NDArray[np.uint64]


@cache
def _permutations(num_perm: int, seed: int) -> tuple[Signature, Signature]:
    """The (a, b) of each universal hash function, drawn as datasketch draws them."""
    generator = np.random.RandomState(seed)
    pairs = [
        (
            generator.randint(1, _MERSENNE_PRIME, dtype=np.uint64),
            generator.randint(0, _MERSENNE_PRIME, dtype=np.uint64),
        )
        for _ in range(num_perm)
    ]
    a, b = np.array(pairs, dtype=np.uint64).T
    return a, b


def _token_hash(token: str) -> int:
    return int(struct.unpack("<I", hashlib.sha1(token.encode("utf-8")).digest()[:4])[0])


def signature(tokens: Iterable[str], num_perm: int = NUM_PERM, seed: int = SEED) -> Signature:
    """The MinHash signature of a set of tokens (all maximal when there are none)."""
    a, b = _permutations(num_perm, seed)
    hashes = np.array(sorted({_token_hash(t) for t in tokens}), dtype=np.uint64)
    if hashes.size == 0:
        return np.full(num_perm, _MAX_HASH, dtype=np.uint64)
    # uint64 products wrap around, as they do in datasketch: the same wrap gives the same values.
    with np.errstate(over="ignore"):
        permuted = np.bitwise_and((np.outer(hashes, a) + b) % _MERSENNE_PRIME, _MAX_HASH)
    return np.asarray(permuted.min(axis=0), dtype=np.uint64)


def band_keys(sig: Signature, bands: int = BANDS, rows: int = ROWS) -> tuple[str, ...]:
    """One key per band: the band's number and a digest of its values (what the index stores)."""
    # The bands' bytes as MinHashLSH takes them (byteswapped), each digested to keep terms
    # short; swapped once for the whole signature, then cut band by band.
    raw = sig.byteswap().tobytes()
    width = rows * sig.itemsize
    return tuple(
        f"{band:02d}" + hashlib.blake2b(raw[band * width : (band + 1) * width], digest_size=8).hexdigest()
        for band in range(bands)
    )
