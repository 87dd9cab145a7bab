"""Following the change feed as a client does."""

from __future__ import annotations

from typing import Any

CHANGES = "/api/v1/changes/"


def follow(client: Any, after: str | None = None, limit: int = 1000) -> tuple[list[dict], str]:
    """Every event after ``after``, page by page, and the cursor to resume from."""
    found: list[dict] = []
    while True:
        params: dict[str, Any] = {"limit": limit}
        if after is not None:
            params["after"] = after
        response = client.get(CHANGES, params)
        assert response.status_code == 200, response.content
        page = response.json()
        found += page["results"]
        assert page["next_cursor"]
        after = page["next_cursor"]
        if not page["has_more"]:
            return found, after


def types(events: list[dict]) -> list[tuple[str, Any]]:
    return [(event["type"], event["slug"]) for event in events]


class Mirror:
    """A client's copy of the archive, kept by the feed alone."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, int], dict] = {}

    def apply(self, events: list[dict]) -> None:
        for event in events:
            key = (event["object"], event["id"])
            verb = event["type"].split(".", 1)[1]
            if verb in ("deleted", "unpublished"):
                self.objects.pop(key, None)
            else:
                self.objects[key] = event["data"]

    def of(self, kind: str) -> dict[int, dict]:
        return {pk: data for (obj, pk), data in self.objects.items() if obj == kind}
