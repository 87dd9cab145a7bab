"""The article's lifecycle: revisions through every door, restoring them, and the review
workflow's rules (SPEC: Lifecycle; README, Lifecycle).

Writers (``services``, ``bulk``) take an ``Actor`` (who, through which door), ask ``check``
(or ``refusal``, per item) before they write, ``snapshot`` the articles they will change and
``record`` the revisions after; the API and the admin read ``Revision`` rows and ``restore``.
"""

from articles.lifecycle._restore import UnknownRevision, restore
from articles.lifecycle._revisions import as_row, record, snapshot
from articles.lifecycle._workflow import (
    WHAT_CONTRIBUTORS_MAY,
    Actor,
    Forbidden,
    State,
    check,
    deletion_refusal,
    history_refusal,
    refusal,
)

__all__ = [
    "WHAT_CONTRIBUTORS_MAY",
    "Actor",
    "Forbidden",
    "State",
    "UnknownRevision",
    "as_row",
    "check",
    "deletion_refusal",
    "history_refusal",
    "record",
    "refusal",
    "restore",
    "snapshot",
]
