"""Who may do what to an article (SPEC: Lifecycle, Workflow).

Permissions, as Wagtail's are: ``add_article`` lets a user write articles and change their own
while they are drafts or in review (a contributor); ``change_article`` lets them change anyone's
(an editor); ``publish_article`` is what publishing needs (making an article published, which
with a future ``published_at`` schedules it, and changing a published article's status or
date); ``delete_article`` deleting. Every door asks ``refusal`` with the article before and
after the write, inside the write's transaction (the row locked), so no door can skip it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from articles.models import Article

DRAFT, REVIEW, PUBLISHED = Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.PUBLISHED
CONTRIBUTOR_STATUSES = frozenset({DRAFT, REVIEW})
WHAT_CONTRIBUTORS_MAY = (
    "Contributors may write articles and change their own while they are drafts or in review, "
    "and submit them for review (status 'review'); an editor publishes, schedules, deletes and "
    "changes others' articles."
)
# Why a contributor may neither change nor read the history of another's article.
ANOTHER_USERS_ARTICLE = f"This is another user's article. {WHAT_CONTRIBUTORS_MAY}"


class Forbidden(Exception):
    """The user may not make this write: the API answers 403, the admin shows the message."""


@dataclass(frozen=True)
class Actor:
    """Who writes and through which door, with their rights read once (picklable: the import's
    writer processes get it as it is). Without a user (a command run without ``--user``,
    internal writes) every right is given."""

    source: str
    user_id: int | None = None
    username: str = ""
    may_change_any: bool = True
    may_publish: bool = True
    may_delete: bool = True

    @classmethod
    def of(cls, user: Any, source: str) -> Actor:
        if user is None or not user.is_authenticated:
            return cls(source)
        return cls(
            source,
            user_id=user.pk,
            username=user.get_username(),
            may_change_any=user.has_perm("articles.change_article"),
            may_publish=user.has_perm("articles.publish_article"),
            may_delete=user.has_perm("articles.delete_article"),
        )


@dataclass(frozen=True)
class State:
    """What the rules look at."""

    status: str
    published_at: datetime.datetime | None
    created_by_id: int | None

    @classmethod
    def of(cls, article: Article) -> State:
        return cls(article.status, article.published_at, article.created_by_id)


def refusal(actor: Actor, before: State | None, after: State) -> str | None:
    """Why ``actor`` may not turn ``before`` (None: a new article) into ``after``, or None."""
    if not actor.may_change_any:
        if before is not None and before.created_by_id != actor.user_id:
            return ANOTHER_USERS_ARTICLE
        if before is not None and before.status not in CONTRIBUTOR_STATUSES:
            return f"This article is {before.status}. {WHAT_CONTRIBUTORS_MAY}"
        if after.status not in CONTRIBUTOR_STATUSES:
            return f"Setting the status {after.status!r} needs an editor. {WHAT_CONTRIBUTORS_MAY}"
    if not actor.may_publish:
        publishing = after.status == PUBLISHED and (before is None or before.status != PUBLISHED)
        was_published = before is not None and before.status == PUBLISHED
        if publishing or (
            was_published
            and (after.status != PUBLISHED or not _same_time(after.published_at, before))
        ):
            return (
                "Publishing, scheduling and unpublishing need the permission to publish "
                "articles (the Editors group)."
            )
    return None


def check(actor: Actor, before: State | None, after: State) -> None:
    reason = refusal(actor, before, after)
    if reason is not None:
        raise Forbidden(reason)


def deletion_refusal(actor: Actor) -> str | None:
    if actor.may_delete:
        return None
    return f"Deleting an article needs an editor. {WHAT_CONTRIBUTORS_MAY}"


def history_refusal(actor: Actor, created_by_id: int | None) -> str | None:
    """Why ``actor`` may not read the revisions of an article ``created_by_id`` wrote, or None:
    editors read every history, contributors their own articles'."""
    if actor.may_change_any or (actor.user_id is not None and created_by_id == actor.user_id):
        return None
    return ANOTHER_USERS_ARTICLE


def _same_time(published_at: Any, before: State) -> bool:
    if published_at is None or before.published_at is None:
        return published_at is before.published_at
    if isinstance(published_at, datetime.datetime) and published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=datetime.UTC)
    return published_at == before.published_at
