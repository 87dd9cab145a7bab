"""Groups of near-duplicates, kept on every write.

A group is a connected component of the graph whose edges are pairs of articles with an
estimated Jaccard similarity (their signatures) of at least ``DUPLICATE_THRESHOLD``; its id
is its smallest article id. A write of articles' bodies (``bodies_written``) stores their
fingerprints, finds in one query the articles that share a band key with them and every
member of the groups involved, and recomputes the components of that neighbourhood: joins,
merges and splits (an edited or deleted bridge) all come out of it. Only rows whose group
changes are written; those articles are logged for the search index (their documents carry
the group), without touching ``updated_at`` or telling the outbox (a group is derived, not an
edit of the article).

No lock is taken: two copies written at once by transactions that cannot see each other's
rows each stay alone until the next write near them or ``rebuild`` joins them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

import numpy as np
from django.conf import settings
from django.db import connection
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from articles import search
from articles.duplicates._signatures import (
    band_keys,
    from_bytes,
    shingles,
    similarities,
    story_text,
    to_bytes,
)
from articles.duplicates._signatures import signatures as compute

# Estimates closer than this to the threshold are checked on the shingles themselves.
UNSURE = 0.12
# A bucket of more articles than this (identical copies) is linked through its first ones:
# every member is compared with each of them, not with every other member.
BUCKET_ANCHORS = 32

_UPSERT_SQL = """
INSERT INTO articles_fingerprint (article_id, signature, bands, group_id)
SELECT u.id, u.signature, u.bands::bigint[], NULL
  FROM unnest(%s::bigint[], %s::bytea[], %s::text[]) AS u(id, signature, bands)
    ON CONFLICT (article_id) DO UPDATE SET signature = EXCLUDED.signature, bands = EXCLUDED.bands
"""
# The written articles' neighbourhood: whoever shares a band key with them, and every member
# of their groups (and of the groups the written ones left).
_NEIGHBOURHOOD_SQL = """
WITH near AS (  -- one GIN lookup per key: an overlap with thousands of keys is a seq scan
    SELECT DISTINCT f.article_id, f.group_id
      FROM unnest(%s::bigint[]) AS k(key)
      CROSS JOIN LATERAL (SELECT article_id, group_id FROM articles_fingerprint
                           WHERE bands @> ARRAY[k.key]) AS f
), groups AS (
    SELECT group_id FROM near WHERE group_id IS NOT NULL
     UNION SELECT unnest(%s::bigint[])
)
SELECT f.article_id, f.signature, f.group_id
  FROM articles_fingerprint f JOIN near USING (article_id)
 UNION
SELECT f.article_id, f.signature, f.group_id
  FROM articles_fingerprint f JOIN groups g ON f.group_id = g.group_id
"""
_SET_GROUPS_SQL = """
UPDATE articles_fingerprint f SET group_id = u.group_id
  FROM unnest(%s::bigint[], %s::bigint[]) AS u(article_id, group_id)
 WHERE f.article_id = u.article_id
"""


def enabled() -> bool:
    return settings.DUPLICATES_ENABLED


def bodies_written(bodies: Mapping[int, str], *, new: Collection[int] = ()) -> None:
    """Fingerprint these articles' bodies (by id) and regroup their neighbourhood. ``new``:
    those just created (they have no fingerprint to drop)."""
    if not bodies or not enabled():
        return
    signatures = dict(zip(bodies, compute(list(bodies.values())), strict=True))
    kept = {pk: values for pk, values in signatures.items() if values is not None}
    emptied = [pk for pk, values in signatures.items() if values is None and pk not in new]
    left_groups = _forget(emptied)
    keys = np.empty((0, 0), dtype=np.int64)
    if kept:
        matrix = np.stack(list(kept.values()))
        keys = band_keys(matrix)
        with connection.cursor() as cursor:
            cursor.execute(
                _UPSERT_SQL,
                [
                    list(kept),
                    [to_bytes(values) for values in matrix],
                    ["{" + ",".join(map(str, row)) + "}" for row in keys.tolist()],
                ],
            )
    _regroup(keys.ravel().tolist(), left_groups, written=set(bodies))


def articles_deleted(ids: Iterable[int]) -> None:
    """Before these articles are deleted: their groups are regrouped without them."""
    if not enabled():
        return
    left_groups = _forget(list(ids))
    if left_groups:
        _regroup([], left_groups, written=set(ids))


def _forget(ids: list[int]) -> list[int]:
    """Drop these articles' fingerprints; the groups they were in."""
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM articles_fingerprint WHERE article_id = ANY(%s) RETURNING group_id", [ids]
        )
        return sorted({group for (group,) in cursor.fetchall() if group is not None})


def _regroup(keys: list[int], groups: list[int], *, written: set[int]) -> None:
    if not keys and not groups:
        return
    with connection.cursor() as cursor:
        cursor.execute(_NEIGHBOURHOOD_SQL, [keys, groups])
        rows = cursor.fetchall()
    if not rows:
        return
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    matrix = np.stack([from_bytes(row[1]) for row in rows])
    before = {row[0]: row[2] for row in rows}
    after = dict(zip(ids.tolist(), group_ids(ids, matrix, _bodies), strict=True))
    changed = {pk: group for pk, group in after.items() if before[pk] != group}
    if not changed:
        return
    with connection.cursor() as cursor:
        cursor.execute(_SET_GROUPS_SQL, [list(changed), list(changed.values())])
    others = sorted(set(changed) - written)
    if others:  # their index documents carry the group
        search.record_changes(search.ARTICLE, others)


def _bodies(ids: list[int]) -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, body FROM articles_article WHERE id = ANY(%s)", [ids])
        return dict(cursor.fetchall())


def group_ids(
    ids: np.ndarray, matrix: np.ndarray, bodies: Callable[[list[int]], Mapping[int, str]]
) -> list[int | None]:
    """The group of each article (ids and signatures by row): the smallest id of its
    connected component of near-duplicates, None alone. ``bodies`` reads articles' bodies,
    for the pairs whose estimate is too close to the threshold to tell."""
    count = len(ids)
    if count < 2:
        return [None] * count
    left, right = candidate_pairs(band_keys(matrix))
    close = near_duplicates(ids, matrix, left, right, bodies)
    left, right = left[close], right[close]
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(count, count))
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    smallest = np.full(len(sizes), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(smallest, labels, ids)
    return [int(smallest[label]) if sizes[label] > 1 else None for label in labels]


def near_duplicates(
    ids: np.ndarray,
    matrix: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    bodies: Callable[[list[int]], Mapping[int, str]],
) -> np.ndarray:
    """Which candidate pairs (rows) have a Jaccard similarity of at least the threshold: the
    signatures' estimate where it is clear by ``UNSURE`` (3.5 standard deviations at 0.8),
    the exact similarity of their shingles where it is not."""
    threshold = settings.DUPLICATE_THRESHOLD
    estimate = similarities(matrix[left], matrix[right])
    close = estimate >= threshold
    unsure = np.flatnonzero(np.abs(estimate - threshold) < UNSURE)
    if len(unsure):
        rows = np.unique(np.r_[left[unsure], right[unsure]])
        found = bodies([int(ids[row]) for row in rows])
        sets = {row: shingles(story_text(found.get(int(ids[row])) or "")) for row in rows}
        for pair in unsure:
            a, b = sets[left[pair]], sets[right[pair]]
            common = len(np.intersect1d(a, b, assume_unique=True))
            union = len(a) + len(b) - common
            close[pair] = union > 0 and common / union >= threshold
    return close


def candidate_pairs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs (left < right) that share a band key; a bucket larger than
    ``BUCKET_ANCHORS`` pairs each member with its first ``BUCKET_ANCHORS`` only."""
    count, bands = keys.shape
    flat = keys.ravel()
    owners = np.repeat(np.arange(count), bands)
    order = np.argsort(flat, kind="stable")
    flat, owners = flat[order], owners[order]
    starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
    ends = np.r_[starts[1:], len(flat)]
    shared = np.flatnonzero(ends - starts > 1)
    lefts, rights = [], []
    for start, end in zip(starts[shared], ends[shared], strict=True):
        members = np.unique(owners[start:end])
        if len(members) < 2:
            continue
        anchors = members[:BUCKET_ANCHORS]
        left, right = np.meshgrid(anchors, members, indexing="ij")
        keep = left < right
        lefts.append(left[keep])
        rights.append(right[keep])
    if not lefts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    pairs = np.unique(np.stack([np.concatenate(lefts), np.concatenate(rights)]), axis=1)
    return pairs[0], pairs[1]


def rebuild(*, batch_size: int = 2000) -> tuple[int, int]:
    """Fingerprint every article afresh and regroup the whole archive (after an import with
    duplicates off, a change of ``DUPLICATE_THRESHOLD``, or concurrent writes that could not
    see each other). Returns (articles fingerprinted, articles in a group)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT article_id, group_id FROM articles_fingerprint")
        before = dict(cursor.fetchall())
        cursor.execute("DELETE FROM articles_fingerprint")
    ids: list[int] = []
    signatures: list[np.ndarray] = []
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, body FROM articles_article WHERE id > %s ORDER BY id LIMIT %s",
                [last, batch_size],
            )
            rows = cursor.fetchall()
        if not rows:
            break
        last = rows[-1][0]
        for (pk, _), values in zip(rows, compute([body for _, body in rows]), strict=True):
            if values is not None:
                ids.append(pk)
                signatures.append(values)
    if not ids:
        _log_changed(before, {})
        return 0, 0
    matrix = np.stack(signatures)
    id_array = np.array(ids, dtype=np.int64)
    keys = band_keys(matrix)
    groups = group_ids(id_array, matrix, _bodies)
    for start in range(0, len(ids), batch_size):
        end = start + batch_size
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO articles_fingerprint (article_id, signature, bands, group_id) "
                "SELECT u.id, u.signature, u.bands::bigint[], u.group_id FROM unnest("
                "%s::bigint[], %s::bytea[], %s::text[], %s::bigint[]) "
                "AS u(id, signature, bands, group_id)",
                [
                    ids[start:end],
                    [to_bytes(values) for values in matrix[start:end]],
                    ["{" + ",".join(map(str, row)) + "}" for row in keys[start:end].tolist()],
                    groups[start:end],
                ],
            )
    after = {pk: group for pk, group in zip(ids, groups, strict=True) if group is not None}
    _log_changed(before, after)
    return len(ids), len(after)


def _log_changed(before: Mapping[int, int | None], after: Mapping[int, int]) -> None:
    changed = sorted(pk for pk in set(before) | set(after) if before.get(pk) != after.get(pk))
    if changed:
        search.record_changes(search.ARTICLE, changed)
