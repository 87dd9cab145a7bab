"""Who may write articles through the API (``articles.lifecycle`` has the rules)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from articles import lifecycle
from articles.api.model_permissions import ModelPermissionsOrAnonReadOnly


class ArticlePermission(ModelPermissionsOrAnonReadOnly):
    """Anyone reads; creating needs ``add_article``; changing needs ``add_article`` (one's own
    drafts: ``lifecycle`` decides on the article, in the write) or ``change_article``;
    deleting needs ``delete_article``. Anonymous writers get 401, others 403 with what they may
    do."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if request.method in ("PUT", "PATCH") and user and user.is_authenticated:
            return user.has_perm("articles.add_article") or user.has_perm("articles.change_article")
        if request.method == "DELETE" and user and user.is_authenticated:
            refusal = lifecycle.deletion_refusal(lifecycle.Actor.of(user, "api"))
            if refusal is not None:
                self.message = refusal
                return False
        return super().has_permission(request, view)


def actor(request: Request, source: str = "api") -> lifecycle.Actor:
    return lifecycle.Actor.of(request.user, source)
