"""manage.py import_articles and export_articles: files, stdin, bad records, idempotence and
the round trip."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Author, QuotedSource, Tag
from tests.factories import ArticleFactory, indexed

pytestmark = pytest.mark.django_db


def record(number: int, **fields):
    return {
        "title": f"Story {number}",
        "body": f"The body of story {number}, about rivers.",
        "language": "en",
        "url": f"https://example.org/stories/{number}",
        "status": "published",
        "published_at": f"2026-10-{number % 28 + 1:02d}T08:00:00Z",
        "tags": ["Rivers", f"Topic {number % 4}"],
        "authors": ["Ann Lee"],
        "quotes": [{"source": "River authority", "kind": "organization", "text": "Flow is up."}],
        **fields,
    }


def ndjson(*lines) -> str:
    return "".join((json.dumps(line) if not isinstance(line, str) else line) + "\n"
                   for line in lines)  # fmt: skip


def run(*args, stdin: str | None = None) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()))
    try:
        call_command(*args, "--no-progress", stdout=out)
        return out.getvalue(), None
    except CommandError as error:
        return out.getvalue(), error
    finally:
        sys.stdin = sys.__stdin__


def export(*args) -> list[dict]:
    out = io.StringIO()
    call_command("export_articles", *args, stdout=out, stderr=io.StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_bad_records_are_reported_by_line_and_the_good_ones_stored(tmp_path):
    path = tmp_path / "in.ndjson"
    path.write_text(
        ndjson(
            record(1),
            '{"title": "broken',
            record(2, language="english"),
            "",
            '["not", "an", "object"]',
            record(3, quotes=[{"source": "Nobody", "text": ""}]),
            record(4),
        )
    )
    output, error = run("import_articles", str(path))
    assert error is not None and "4 record(s) failed" in str(error)
    assert "created 2, updated 0, skipped 0, failed 4" in output
    reasons = dict(line.split(" line ", 1)[1].split(": ", 1) for line in output.splitlines()[1:])
    assert reasons.keys() == {"2", "3", "5", "6"}
    for line, reason in (("2", "not JSON"), ("3", "language"), ("5", "JSON object"),
                         ("6", "quotes: 0: text")):  # fmt: skip
        assert reason in reasons[line], (line, reasons)
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Story 1", "Story 4"]
    assert not Article.objects.filter(url=record(3)["url"]).exists()
    assert indexed("rivers") == set(Article.objects.values_list("pk", flat=True))


def test_importing_twice_gives_the_same_archive_and_skip_existing_skips(tmp_path):
    path = tmp_path / "in.ndjson"
    path.write_text(ndjson(*(record(n) for n in range(30))))
    output, error = run("import_articles", str(path), "--batch-size", "7")
    assert error is None and "created 30, updated 0" in output
    first = export()
    output, _ = run("import_articles", str(path))
    assert "created 0, updated 30" in output
    assert export() == first
    assert Tag.objects.count() == 5 and Author.objects.count() == QuotedSource.objects.count() == 1
    output, _ = run("import_articles", str(path), "--skip-existing")
    assert "created 0, updated 0, skipped 30" in output


def test_stdin_and_json_arrays(tmp_path):
    output, error = run("import_articles", "-", stdin=ndjson(record(1), record(2)))
    assert error is None and "created 2" in output
    path = tmp_path / "in.json"
    path.write_text(json.dumps([record(3), {"title": 7}, record(4)], indent=2))
    output, error = run("import_articles", str(path))
    assert "created 2" in output and "record 2: " in output


def test_an_unreadable_file_is_a_command_error():
    _, error = run("import_articles", "/nonexistent/file.ndjson")
    assert error is not None and "/nonexistent/file.ndjson" in str(error)


def test_export_and_import_round_trip_to_an_identical_archive(tmp_path):
    ArticleFactory(
        title="Glaciers en recul", language="fr", body="<p>Les glaciers <em>fondent</em>.</p>",
        standfirst="Chapeau.", section="Sciences", edition="Suisse",
        url="https://example.org/glaciers", image_url="https://example.org/g.jpg",
        image_caption="Le glacier d'Aletsch.", image_credit="Photo: A. B.",
        tags=["Climat", "Suisse"], authors=["Élodie Martin", "Ann Lee"],
        quotes=[{"source": "Matthias Huss", "kind": "person", "description": "glaciologue",
                 "text": "Nous perdons les petits glaciers."},
                {"source": "un responsable", "kind": "anonymous", "text": "C'est rapide."}],
    )  # fmt: skip
    ArticleFactory(title="A draft", status="draft", published_at=None, tags=["Climat"])
    ArticleFactory(title="Archived", status="archived", url="https://example.org/old")
    before = export()
    path = tmp_path / "archive.ndjson"
    call_command("export_articles", "--output", str(path), stderr=io.StringIO())
    Article.objects.all().delete()
    for model in (Tag, Author, QuotedSource):
        model.objects.all().delete()
    output, error = run("import_articles", str(path))
    assert error is None and "created 3" in output
    assert export() == before
    glaciers = Article.objects.get(url="https://example.org/glaciers")
    assert [b.author.name for b in glaciers.bylines.order_by("position")] == [
        "Élodie Martin", "Ann Lee"
    ]  # fmt: skip
    assert QuotedSource.objects.get(name="un responsable").kind == "anonymous"


def test_export_filters_by_status_and_date():
    ArticleFactory(title="Published one")
    ArticleFactory(title="Draft one", status="draft", published_at=None)
    assert [r["title"] for r in export("--status", "draft")] == ["Draft one"]
    assert len(export("--status", "draft", "--status", "published")) == 2
    assert export("--since", "2999-01-01") == []
    assert len(export("--since", "2000-01-01T00:00:00Z")) == 2
    with pytest.raises(CommandError):
        export("--since", "yesterday")


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_worker_processes_store_every_record_in_file_order_per_url(tmp_path):
    """Outside a transaction the command forks writers and an index follower."""
    lines = [record(n) for n in range(120)]
    lines += [record(n, title=f"Story {n}, revised") for n in range(0, 120, 10)]  # same urls
    lines.insert(7, {"title": "no body", "language": "en"})
    path = tmp_path / "in.ndjson"
    path.write_text(ndjson(*lines))
    output, _ = run("import_articles", str(path), "--workers", "2", "--batch-size", "16")
    assert "created 120, updated 12, skipped 0, failed 1" in output
    assert "line 8: body" in output
    assert Article.objects.count() == 120
    assert Article.objects.get(url=record(10)["url"]).title == "Story 10, revised"
    assert len(indexed("rivers")) == 100  # the index followed: every one (up to the page size)
    assert len(indexed("revised")) == 12
