"""Data migrations, run on a real database from the state before them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0004_throttle_counts")]


@pytest.fixture
def old_apps():
    """The historical models at ``BEFORE``; the schema is migrated back to the newest after."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_0005_gives_names_their_new_identity(old_apps):
    Tag = old_apps.get_model("articles", "Tag")
    Author = old_apps.get_model("articles", "Author")
    Article = old_apps.get_model("articles", "Article")
    Byline = old_apps.get_model("articles", "Byline")
    # Slugs as 0004 made them: symbols dropped, so "C++" took "c".
    cpp = Tag.objects.create(name="C++", slug="c")
    procter = Tag.objects.create(name="Procter & Gamble", slug="procter-gamble")
    procter_too = Tag.objects.create(name="Procter and Gamble", slug="procter-and-gamble")
    lee = Author.objects.create(name="Ann\u202e Lee", slug="ann-lee", bio="Line\x07 one\nTwo")
    both = Article.objects.create(title="Both\u2066", slug="both", body="B", language="en")
    one = Article.objects.create(title="One", slug="one", body="O", language="en")
    both.tags.set([procter, procter_too, cpp])
    one.tags.set([procter_too])
    Byline.objects.create(article=both, author=lee)
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM newsapi_search_change")
        (last_change,) = cursor.fetchone()

    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0005_name_identity")])
    apps = executor.loader.project_state([("articles", "0005_name_identity")]).apps
    Tag = apps.get_model("articles", "Tag")
    Article = apps.get_model("articles", "Article")

    assert sorted(Tag.objects.values_list("name", "slug")) == [
        ("C++", "c-plus-plus"),
        ("Procter & Gamble", "procter-and-gamble"),  # the oldest spelling stays
    ]
    assert sorted(Article.objects.get(pk=both.pk).tags.values_list("slug", flat=True)) == [
        "c-plus-plus",
        "procter-and-gamble",
    ]
    assert list(Article.objects.get(pk=one.pk).tags.values_list("slug", flat=True)) == [
        "procter-and-gamble"
    ]
    author = apps.get_model("articles", "Author").objects.get()
    assert (author.name, author.bio) == ("Ann Lee", "Line one\nTwo")
    assert Article.objects.get(pk=both.pk).title == "Both"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, array_agg(DISTINCT object_id ORDER BY object_id)"
            " FROM newsapi_search_change WHERE id > %s GROUP BY kind",
            [last_change],
        )
        logged = dict(cursor.fetchall())
    assert logged == {
        "a": sorted([both.pk, one.pk]),
        "t": sorted([cpp.pk, procter.pk, procter_too.pk]),  # new slugs, and the merged one
        "p": [lee.pk],
    }


@pytest.mark.django_db(transaction=True)
def test_0010_makes_the_groups_and_lets_existing_editors_publish():
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0009_events")])
    apps = executor.loader.project_state([("articles", "0009_events")]).apps
    User, Permission = apps.get_model("auth", "User"), apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=["Contributors", "Editors"]).delete()
    change = Permission.objects.get(content_type__app_label="articles", codename="change_article")
    editor = User.objects.create(username="old-editor")
    editor.user_permissions.add(change)
    desk = Group.objects.create(name="Desk")
    desk.permissions.add(change)
    reader = User.objects.create(username="old-reader")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from django.contrib.auth.models import Group as NowGroup
    from django.contrib.auth.models import User as NowUser

    assert NowUser.objects.get(pk=editor.pk).has_perm("articles.publish_article")
    assert not NowUser.objects.get(pk=reader.pk).has_perm("articles.publish_article")
    assert NowGroup.objects.get(name="Desk").permissions.filter(codename="publish_article").exists()
    contributors = set(
        NowGroup.objects.get(name="Contributors").permissions.values_list("codename", flat=True)
    )
    assert "add_article" in contributors and "change_article" not in contributors
    editors = NowGroup.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    assert {"publish_article", "change_article", "delete_article"} <= set(editors)
