"""MinHash signatures of an article's story text, and their LSH band keys.

The story text is the body's plain text without its short paragraphs (bylines, datelines,
credits, "Read more" lines: what outlets change when they run wire copy), folded to lower
case, punctuation dropped. Its shingles are runs of ``SHINGLE_WORDS`` words, each hashed to
32 bits from the words' CRC-32s (vectorised: one numpy pass per article). The signature is
datasketch's ``MinHash`` of those hashes (scheme ``affine32``, ``NUM_PERM`` permutations),
computed with datasketch's own permutations in one matrix operation, and stored as
``NUM_PERM`` little-endian uint32 (``LeanMinHash`` reads it back). Band keys: the signature
cut into ``bands`` rows of ``rows`` values (datasketch's ``_optimal_param`` for a threshold
``LSH_MARGIN`` below ``DUPLICATE_THRESHOLD``, weighted towards recall), each band hashed to
a signed 64-bit key that also says which band it is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np
from datasketch import LeanMinHash, MinHash
from datasketch.lsh import _optimal_param
from datasketch.minhash import _fmix
from django.conf import settings

from articles.text import looks_like_html
from articles.text import paragraphs as text_paragraphs

NUM_PERM = 128
SEED = 20261202
SCHEME = "affine32"
SHINGLE_WORDS = 4
# A paragraph of fewer words is furniture (a byline, a dateline, a credit, a "Read more"),
# and so is a run of paragraphs shorter than EDGE_PARAGRAPH at the start or end of a body
# (boilerplate: "This article first appeared on ...", a newsletter pitch, a copyright).
SHORT_PARAGRAPH = 10
EDGE_PARAGRAPH = 30
# Fewer story words than this: no signature (a one-line body is nobody's wire copy).
MIN_WORDS = 25
# Candidates are looked for below the threshold, so that pairs at it are rarely missed; every
# candidate is then verified on its whole signature.
LSH_MARGIN = 0.1
# Articles whose signatures are computed together (their matrix stays in the CPU's cache).
SIGNATURE_CHUNK = 8
LSH_WEIGHTS = (0.1, 0.9)  # false positives, false negatives

_BLANK_LINE = re.compile(r"\n\s*\n")
_NOT_WORD = re.compile(r"[^\w\n]+|_+")
# Odd multipliers that mix each word of a shingle at its place (order matters).
_PLACES = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1, 0xD3A2646D],
                   dtype=np.uint32)[:SHINGLE_WORDS]  # fmt: skip
_SHIFT = np.uint32(15)


@functools.lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def story_text(body: str) -> str:
    """The body's story paragraphs (all of them when none is), folded, words joined by one
    space: not the short runs at its start and end (under ``EDGE_PARAGRAPH`` words: bylines,
    datelines, boilerplate, newsletter pitches) nor very short ones inside
    (``SHORT_PARAGRAPH``)."""
    text = "\n\n".join(text_paragraphs(body)) if looks_like_html(body) else body
    folded = _NOT_WORD.sub(" ", text.casefold())  # keeps the line breaks
    blocks = [words for words in (part.split() for part in _BLANK_LINE.split(folded)) if words]
    start, end = 0, len(blocks)
    while start < end and len(blocks[start]) < EDGE_PARAGRAPH:
        start += 1
    while end > start and len(blocks[end - 1]) < EDGE_PARAGRAPH:
        end -= 1
    story = [words for words in blocks[start:end] if len(words) >= SHORT_PARAGRAPH]
    return " ".join(" ".join(words) for words in story or blocks)


def story_words(body: str) -> list[str]:
    return story_text(body).split()


# Words are hashed all at once: a polynomial hash of their UTF-8 bytes, from prefix sums
# (uint32 arithmetic wraps: modulo 2**32, where an odd base has an inverse).
_BASE = 0x01000193
_INVERSE = pow(_BASE, -1, 1 << 32)


@functools.lru_cache(maxsize=4)
def _powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    base = np.full(size, _BASE, dtype=np.uint32)
    base[0] = 1
    inverse = np.full(size, _INVERSE, dtype=np.uint32)
    inverse[0] = 1
    return np.cumprod(base, dtype=np.uint32), np.cumprod(inverse, dtype=np.uint32)


def word_hashes(text: str) -> np.ndarray:
    """A 32-bit hash of each word of ``text`` (words joined by one space), in order."""
    data = np.frombuffer(text.encode(), dtype=np.uint8)
    if not len(data):
        return np.empty(0, dtype=np.uint32)
    size = 1 << max(12, (len(data) + 1).bit_length())  # a few sizes, cached
    powers, inverse = _powers(size)
    sums = np.zeros(len(data) + 1, dtype=np.uint32)
    np.cumsum(data.astype(np.uint32) * powers[: len(data)], dtype=np.uint32, out=sums[1:])
    spaces = np.flatnonzero(data == 32)
    starts = np.r_[0, spaces + 1]
    ends = np.r_[spaces, len(data)]
    return _fmix((sums[ends] - sums[starts]) * inverse[starts], 32)


def shingles(text: str) -> np.ndarray:
    """The distinct 32-bit hashes of the runs of ``SHINGLE_WORDS`` words of ``text``
    (``story_text``)."""
    return np.unique(_mixed_runs(word_hashes(text)))


def _mixed_runs(hashes: np.ndarray) -> np.ndarray:
    """A 32-bit hash of each run of ``SHINGLE_WORDS`` word hashes, in order."""
    count = len(hashes) - SHINGLE_WORDS + 1
    mixed = np.zeros(max(count, 0), dtype=np.uint32)
    for place in range(SHINGLE_WORDS):
        mixed ^= hashes[place : place + len(mixed)]
        mixed *= _PLACES[place]
        mixed ^= mixed >> _SHIFT
    return mixed


def signature(body: str) -> np.ndarray | None:
    """The MinHash of the body's story text (``NUM_PERM`` uint32), or None when it has too
    few words to be anyone's copy."""
    return signatures([body])[0]


def signatures(bodies: Sequence[str]) -> list[np.ndarray | None]:
    """``signature`` of each body, computed a few articles at a time: their words hashed in
    one pass, their shingles in one, and the permutations (datasketch's ``update_batch``
    arithmetic, affine32) applied to all of them in one matrix, reduced per article."""
    texts = [story_text(body or "") for body in bodies]
    counts = [text.count(" ") + 1 if text else 0 for text in texts]
    kept = [number for number, count in enumerate(counts) if count >= MIN_WORDS]
    found: list[np.ndarray | None] = [None] * len(bodies)
    a, b = _permutations()
    for start in range(0, len(kept), SIGNATURE_CHUNK):
        chunk = kept[start : start + SIGNATURE_CHUNK]
        words = word_hashes(" ".join(texts[number] for number in chunk))
        owners = np.repeat(np.arange(len(chunk), dtype=np.uint64), [counts[n] for n in chunk])
        mixed = _mixed_runs(words)
        within = owners[: len(mixed)] == owners[SHINGLE_WORDS - 1 :]  # not across articles
        keys = np.unique((owners[: len(mixed)][within] << np.uint64(32)) | mixed[within])
        owner_of = keys >> np.uint64(32)
        hashes = (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        permuted = _fmix(hashes.reshape(-1, 1), 32) * a + b
        firsts = np.flatnonzero(np.r_[True, owner_of[1:] != owner_of[:-1]])
        for number, values in zip(chunk, np.minimum.reduceat(permuted, firsts), strict=True):
            found[number] = values
    return found


def minhash(values: np.ndarray) -> LeanMinHash:
    """The datasketch sketch of a signature (for ``jaccard`` and friends)."""
    return LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)


def to_bytes(values: np.ndarray) -> bytes:
    return values.astype("<u4").tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<u4")


@functools.lru_cache(maxsize=8)
def lsh_layout(threshold: float) -> tuple[int, int]:
    """(bands, rows) for candidates at ``threshold`` less the margin, favouring recall."""
    return _optimal_param(max(threshold - LSH_MARGIN, 0.05), NUM_PERM, *LSH_WEIGHTS)


def layout() -> tuple[int, int]:
    return lsh_layout(settings.DUPLICATE_THRESHOLD)


_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """The band keys (int64) of signatures (one per row): shape (signatures, bands)."""
    bands, rows = layout()
    cut = signatures[:, : bands * rows].astype(np.uint64).reshape(len(signatures), bands, rows)
    key = np.zeros((len(signatures), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for row in range(rows):
            key = (key ^ cut[:, :, row]) * _BAND_MIX
            key ^= key >> np.uint64(29)
        key ^= np.arange(bands, dtype=np.uint64) * _BAND_MIX
    return key.view(np.int64)


def similarities(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of each pair of rows (what ``LeanMinHash.jaccard`` says)."""
    return (left == right).mean(axis=1)
