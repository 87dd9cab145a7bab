"""Near-duplicates: syndicated copies of one story (re-headlined, trimmed, a paragraph added,
another byline and boilerplate) found by MinHash signatures of word shingles with LSH
(datasketch), grouped on every write (``bodies_written``, ``articles_deleted``), rebuilt for
the whole archive by ``rebuild`` (``manage.py rebuild_duplicates``). Who is a group's first
article, and how many others a reader sees, is asked at read time (``selectors``), since it
depends on who reads and when (scheduling, expiry). See README, Monitoring.
"""

from articles.duplicates._groups import articles_deleted, bodies_written, enabled, rebuild
from articles.duplicates._signatures import NUM_PERM, minhash, signature, story_words

__all__ = [
    "NUM_PERM",
    "articles_deleted",
    "bodies_written",
    "enabled",
    "minhash",
    "rebuild",
    "signature",
    "story_words",
]
