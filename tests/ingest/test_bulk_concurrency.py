"""POST /articles/bulk/ under real concurrency: several gunicorn workers taking requests with
overlapping urls, titles and names at the same instant. Every request answers 200, every
item is stored (a clash with another writer is retried, not a 500), each url once."""

from __future__ import annotations

import json
import threading
from collections import Counter

import pytest
from rest_framework.authtoken.models import Token

from articles.models import Article
from tests.conftest import EDITOR_PERMISSIONS
from tests.factories import UserFactory
from tests.live import environment, gunicorn, request

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
REQUESTS = 6
ROUNDS = 4


def item(url: str | None, title: str) -> dict:
    return {
        "title": title,
        "body": f"The body of {title}.",
        "language": "en",
        "url": url,
        "status": "published",
        "tags": ["Wire", "World"],
        "authors": ["Desk"],
        "quotes": [{"source": "Spokesperson", "text": "No comment."}],
    }


def at_once(base: str, token: str, bodies: list[list[dict]]) -> list[tuple[int, dict]]:
    """Each body posted by its own thread, all released together."""
    start = threading.Barrier(len(bodies))
    answers: list[tuple[int, dict] | None] = [None] * len(bodies)

    def post(number: int) -> None:
        start.wait()
        status, _, body = request(
            f"{base}/api/v1/articles/bulk/", method="POST", token=token, data=bodies[number]
        )
        answers[number] = (status, json.loads(body) if status == 200 else {"raw": body[-500:]})

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers  # type: ignore[return-value]


@pytest.fixture
def token() -> str:
    editor = UserFactory(username="wire", permissions=EDITOR_PERMISSIONS)
    return Token.objects.create(user=editor).key


def test_concurrent_requests_with_the_same_new_urls_all_store_every_url_once(tmp_path, token):
    with gunicorn(environment(tmp_path / "search"), workers=3) as base:
        for round_ in range(ROUNDS):
            urls = [f"https://example.org/wire/{round_}/{n}" for n in range(20)]
            bodies = [[item(url, f"Story {round_} {n}") for n, url in enumerate(urls)]] * REQUESTS
            answers = at_once(base, token, bodies)
            assert [status for status, _ in answers] == [200] * REQUESTS, (round_, answers)
            statuses = Counter(r["status"] for _, body in answers for r in body["results"])
            # Each url created once, by whichever request came first; the others updated it.
            assert statuses == {"created": 20, "updated": 20 * (REQUESTS - 1)}, (round_, statuses)
            stored = Counter(Article.objects.filter(url__in=urls).values_list("url", flat=True))
            assert stored == Counter(urls)


def test_concurrent_one_item_requests_sharing_a_title_are_all_stored(tmp_path, token):
    with gunicorn(environment(tmp_path / "search"), workers=3) as base:
        for round_ in range(ROUNDS):
            title = f"The same headline {round_}"
            bodies = [[item(f"https://example.org/same/{round_}/{n}", title)] for n in range(3)]
            bodies += [[item(None, title)] for _ in range(REQUESTS - 3)]
            answers = at_once(base, token, bodies)
            assert [status for status, _ in answers] == [200] * REQUESTS, (round_, answers)
            assert [body["created"] for _, body in answers] == [1] * REQUESTS, answers
            slugs = Article.objects.filter(title=title).values_list("slug", flat=True)
            assert len(set(slugs)) == REQUESTS
