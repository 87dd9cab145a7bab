"""Management commands: demo data, the search index, the local admin account."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from articles.management.commands.load_demo import demo_articles
from articles.models import Article, Tag

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return list(
        Article.objects.order_by("id").values_list("id", "title", "updated_at", "status")
    ) + list(Tag.objects.order_by("id").values_list("id", "name"))


def test_demo_data_has_enough_french_and_english_articles():
    entries = demo_articles()
    languages = {entry["language"] for entry in entries}
    assert len(entries) >= 20 and {"fr", "en"} <= languages
    assert len({entry["section"] for entry in entries}) >= 5
    assert all(entry["authors"] and entry["tags"] for entry in entries)
    assert sum(bool(entry["quotes"]) for entry in entries) >= 10


def test_load_demo_is_idempotent(capsys):
    call_command("load_demo")
    first = snapshot()
    assert Article.objects.count() == len(demo_articles())
    call_command("load_demo")
    assert snapshot() == first
    assert "0 article(s) loaded" in capsys.readouterr().out


@pytest.mark.index_on_disk  # the status reports the size of its files
def test_search_index_rebuild_status_and_check(capsys):
    call_command("load_demo")
    call_command("search_index", "rebuild", "--no-progress")
    assert f"Indexed {Article.objects.count()} article(s)" in capsys.readouterr().out
    call_command("search_index", "status")
    status = json.loads(capsys.readouterr().out)
    assert status["state"] == "ok" and status["lag"] == 0
    assert status["articles"] == Article.objects.count()
    assert status["segments"] >= 1 and status["size_bytes"] > 0
    call_command("search_index", "check")
    assert capsys.readouterr().out.startswith("OK")


def test_search_index_check_finds_an_article_the_index_lacks():
    call_command("load_demo")
    call_command("search_index", "rebuild", "--no-progress")
    with connection.cursor() as cursor:  # written around the services: nothing logged
        cursor.execute(
            "INSERT INTO articles_article (title, slug, standfirst, body, language, section, "
            "edition, image_caption, image_credit, status, created_at, updated_at) "
            "VALUES ('Ghost', 'ghost', '', 'b', 'en', '', '', '', '', 'draft', now(), now())"
        )
    with pytest.raises(CommandError, match="1 article\\(s\\) missing"):
        call_command("search_index", "check")
    call_command("search_index", "rebuild", "--no-progress")
    call_command("search_index", "check")


def test_ensure_admin_creates_one_superuser_and_prints_its_password_once(capsys):
    call_command("ensure_admin")
    out = capsys.readouterr().out
    user = get_user_model().objects.get(is_superuser=True)
    password = out.split("password: ")[1].split()[0]
    assert user.check_password(password)
    call_command("ensure_admin")
    assert "password:" not in capsys.readouterr().out
    assert get_user_model().objects.count() == 1


def test_demo_file_is_valid_json_with_unique_urls():
    entries = json.loads(json.dumps(demo_articles()))
    assert len({entry["url"] for entry in entries}) == len(entries)


def test_search_index_apply_says_what_the_index_holds(capsys):
    from tests.factories import ArticleFactory

    ArticleFactory(tags=["Climat"], authors=["Ann"], quotes=[{"source": "Bob", "text": "Hi."}])
    ArticleFactory(quotes=[{"source": "Bob", "text": "One."}, {"source": "Bob", "text": "Two."}])
    call_command("search_index", "apply")  # no index yet: built from PostgreSQL
    line = capsys.readouterr().out.strip()
    assert line == (
        "Search index: 2 article(s) and 3 quote(s), plus 3 tag, author and source name(s) for "
        "suggestions (8 documents), up to date."
    )
    assert "Applied 0" not in line


def test_ensure_admin_hints_at_the_python_that_runs_it(capsys, settings, monkeypatch):
    import sys

    monkeypatch.setattr(sys, "executable", str(settings.BASE_DIR / ".venv" / "bin" / "python"))
    call_command("ensure_admin")
    call_command("ensure_admin")
    out = capsys.readouterr().out
    assert out.count(".venv/bin/python manage.py changepassword admin") == 2
    assert " python manage.py" not in out
