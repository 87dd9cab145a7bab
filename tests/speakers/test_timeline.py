"""A source's timeline and its first and last quotes, from the index."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def quoted(day: datetime.datetime, quotes: int = 1, status: str = "published") -> None:
    ArticleFactory(
        status=status,
        published_at=day,
        quotes=[{"source": "Ada Okafor", "text": f"Words {n}."} for n in range(quotes)],
    )


@pytest.fixture
def history(db):
    quoted(datetime.datetime(2026, 9, 30, 23, 0, tzinfo=UTC), quotes=2)  # a Wednesday
    quoted(datetime.datetime(2026, 10, 1, 8, 0, tzinfo=UTC))
    quoted(datetime.datetime(2026, 10, 1, 9, 0, tzinfo=UTC), quotes=3)
    quoted(datetime.datetime(2026, 11, 16, 9, 0, tzinfo=UTC))
    quoted(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=UTC), status="draft")
    ArticleFactory(quotes=[{"source": "Someone Else", "text": "Other."}])


def timeline(client, interval: str | None = None):
    params = {"interval": interval} if interval else {}
    response = client.get("/api/v1/sources/ada-okafor/timeline/", params)
    assert response.status_code == 200, response.content
    return [(b["period"], b["quotes"], b["articles"]) for b in response.json()["results"]]


def test_by_month_is_the_default(api_client, history):
    assert timeline(api_client) == [("2026-09", 2, 1), ("2026-10", 4, 2), ("2026-11", 1, 1)]


def test_by_week_and_by_day_with_empty_buckets_between(api_client, history):
    weeks = timeline(api_client, "week")
    assert weeks[:2] == [("2026-W40", 6, 3), ("2026-W41", 0, 0)]
    assert weeks[-1] == ("2026-W47", 1, 1)
    assert len(weeks) == 8
    days = timeline(api_client, "day")
    assert days[:2] == [("2026-09-30", 2, 1), ("2026-10-01", 4, 2)]
    assert days[-1] == ("2026-11-16", 1, 1)
    assert len(days) == 48
    response = api_client.get("/api/v1/sources/ada-okafor/timeline/", {"interval": "week"})
    assert response.json()["results"][0]["start"] == "2026-09-28T00:00:00Z"  # the Monday


def test_editors_count_drafts_that_are_dated(editor_client, history):
    assert timeline(editor_client)[-1] == ("2026-11", 2, 2)


def test_bad_interval_and_unknown_parameters_are_400(api_client, history):
    path = "/api/v1/sources/ada-okafor/timeline/"
    assert api_client.get(path, {"interval": "year"}).status_code == 400
    assert api_client.get(path, {"intervals": "day"}).status_code == 400
    assert api_client.get("/api/v1/sources/nobody/timeline/").status_code == 404


def test_the_detail_has_first_and_last_quoted_at(api_client, editor_client, history):
    detail = api_client.get("/api/v1/sources/ada-okafor/").json()
    assert detail["first_quoted_at"] == "2026-09-30T23:00:00Z"
    assert detail["last_quoted_at"] == "2026-11-16T09:00:00Z"
    assert editor_client.get("/api/v1/sources/ada-okafor/").json()["last_quoted_at"] == (
        "2026-11-20T09:00:00Z"
    )


def test_a_source_never_quoted_visibly_has_no_timeline(editor_client):
    editor_client.post("/api/v1/sources/", {"name": "Unquoted"}, format="json")
    response = editor_client.get("/api/v1/sources/unquoted/timeline/")
    assert response.json()["results"] == []
    detail = editor_client.get("/api/v1/sources/unquoted/").json()
    assert (detail["first_quoted_at"], detail["last_quoted_at"]) == (None, None)


def test_the_timeline_query_count_is_fixed(api_client, history):
    timeline(api_client, "day")  # the index applies the articles first
    with CaptureQueriesContext(connection) as captured:
        timeline(api_client, "day")
    # The throttle with the change log check, the source (with its count); the index does the
    # rest.
    assert len(captured) == 2
