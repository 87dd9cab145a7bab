"""manage.py import_articles against hostile records: whatever a record is (nested without
end, too large, refused by the database), it is reported as failed with its line and reason,
and every good record around it is stored, in one process and with forked writers."""

from __future__ import annotations

import json

import pytest

from articles.models import Article
from tests.ingest.test_import_export import ndjson, record, run

DEEP = 50_000


def deep_object(depth: int) -> str:
    return '{"title": ' + '{"a": ' * depth + "1" + "}" * depth + "}"


def reasons(output: str) -> dict[str, str]:
    """{where: reason} of the failures the command printed ("  PATH line 3: reason")."""
    found = {}
    for line in output.splitlines():
        if line.startswith("  "):
            where, why = line.strip().split(" ", 1)[1].split(": ", 1)
            found[where] = why
    return found


@pytest.mark.django_db
def test_hostile_lines_are_reported_and_every_good_record_stored(tmp_path, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000_000  # the deep line and the quotes fit
    path = tmp_path / "in.ndjson"
    path.write_text(
        ndjson(
            record(1),
            deep_object(DEEP),  # line 2: the JSON decoder recurses once per level
            "[" * DEEP + "]" * DEEP,  # line 3
            record(4, tags=json.loads("[" * 900 + '"Deep"' + "]" * 900)),  # parseable
            record(5, body="x" * 2_100_000),  # line 5: larger than a request may be
            '{"title": "\\ud800", "body": "b", "language": "en"}',  # line 6: a lone surrogate
            record(7, quotes=[{"source": "Crowd", "text": "Cry."}] * 33_000),  # beyond smallint
            record(8),
        )
    )
    output, error = run("import_articles", str(path))
    assert error is not None and "6 record(s) failed" in str(error), output
    failed = reasons(output)
    assert failed.keys() == {f"line {n}" for n in range(2, 8)}, output
    for line in ("line 2", "line 3", "line 4"):
        assert "nested deeper than" in failed[line], failed
    assert "larger than" in failed["line 5"], failed
    assert "surrogate" in failed["line 6"], failed
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Story 1", "Story 8"]


@pytest.mark.slow  # forks writer processes
@pytest.mark.django_db(transaction=True)
def test_hostile_records_in_an_array_do_not_stop_the_forked_writers(tmp_path):
    """ijson builds a record nested 50,000 deep without recursing; sent as is to a writer
    process, pickling it failed and the import ended with a traceback."""
    text = json.dumps([record(n) for n in range(10)])[:-1]
    text += ", " + deep_object(DEEP) + ", "
    text += json.dumps([record(n) for n in range(10, 20)])[1:]
    path = tmp_path / "in.json"
    path.write_text(text)
    output, error = run("import_articles", str(path), "--workers", "2", "--batch-size", "4")
    assert error is not None  # the one failure
    assert "created 20, updated 0, skipped 0, failed 1" in output, output
    assert "nested deeper than" in reasons(output)["record 11"]
    assert Article.objects.count() == 20


@pytest.mark.django_db
def test_a_record_too_large_in_an_array_is_refused_before_it_is_held_whole(tmp_path, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    path = tmp_path / "in.json"
    path.write_text(json.dumps([record(1), record(2, body="x" * 1_000_000), record(3)]))
    output, error = run("import_articles", str(path))
    assert error is not None and "created 1, updated 0, skipped 0, failed 1" in output, output
    assert "larger than 100,000 bytes" in reasons(output)["record 2"]
    assert list(Article.objects.values_list("title", flat=True)) == ["Story 1"]
