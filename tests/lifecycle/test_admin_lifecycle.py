"""The lifecycle in the admin: revisions with a readable diff and a restore button, the
contributors' limits, the editors' review queue."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles import services
from articles.lifecycle.models import Revision
from articles.models import Article
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def staff(username: str, group: str):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def form_data(article: Article | None = None, **fields) -> dict:
    data = {
        "title": "Un article",
        "standfirst": "",
        "body": "<p>Premier.</p><p>Deuxième.</p>",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "language": "fr",
        "section": "",
        "edition": "",
        "url": "",
        "image_url": "",
        "image_caption": "",
        "image_credit": "",
        "image_alt": "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "quotes-TOTAL_FORMS": "0",
        "quotes-INITIAL_FORMS": "0",
    }
    if article is not None:
        data |= {
            name: getattr(article, name)
            for name in ("title", "body", "status", "language", "section")
        }
    return data | fields


@pytest.fixture
def editor_in_admin(client, db):
    client.force_login(staff("eddie", "Editors"))
    return client


@pytest.fixture
def contributor_in_admin(client, db):
    user = staff("cora", "Contributors")
    client.force_login(user)
    client.user = user
    return client


def history(article: Article) -> str:
    return reverse("admin:articles_article_history", args=[article.pk])


def test_admin_saves_keep_revisions_shown_with_a_paragraph_diff(editor_in_admin):
    article = ArticleFactory(
        status="draft", published_at=None, body="<p>Premier.</p><p>Le deuxième paragraphe.</p>"
    )
    change = reverse("admin:articles_article_change", args=[article.pk])
    body = "<p>Premier.</p><p>Le deuxième paragraphe corrigé.</p><p>Troisième.</p>"
    response = editor_in_admin.post(change, form_data(article, body=body))
    assert response.status_code == 302, response.content.decode()[:2000]
    revision = Revision.objects.filter(article=article).first()
    assert (revision.number, revision.source, revision.username) == (2, "admin", "eddie")
    assert set(revision.changes) == {"body"}

    page = editor_in_admin.get(history(article)).content.decode()
    assert "(1 paragraph unchanged)" in page
    assert "<p>Le deuxième <del>paragraphe.</del> <ins>paragraphe corrigé.</ins></p>" in page
    assert "<p><ins>Troisième.</ins></p>" in page
    assert page.count("Restore this revision") == 1  # the older one, not the current

    # An unchanged save keeps no revision.
    editor_in_admin.post(change, form_data(Article.objects.get(pk=article.pk)))
    assert Revision.objects.filter(article=article).count() == 2


def test_the_restore_button_makes_a_new_revision(editor_in_admin):
    article = ArticleFactory(title="Avant")
    services.article_update(article, title="Après")
    restore = reverse("admin:articles_article_restore", args=[article.pk, 1])
    assert editor_in_admin.get(restore).status_code == 405  # a POST, with its CSRF token
    response = editor_in_admin.post(restore)
    assert response.status_code == 302 and response.url == history(article)
    article.refresh_from_db()
    assert article.title == "Avant"
    newest = Revision.objects.filter(article=article).first()
    assert (newest.number, newest.source, newest.username) == (3, "restore", "eddie")
    missing = reverse("admin:articles_article_restore", args=[article.pk, 99])
    assert editor_in_admin.post(missing, follow=True).status_code == 200
    assert Revision.objects.filter(article=article).count() == 3


def test_the_restore_button_checks_csrf(client, db):
    client = client.__class__(enforce_csrf_checks=True)
    client.force_login(staff("eddie", "Editors"))
    article = ArticleFactory(title="Avant")
    services.article_update(article, title="Après")
    response = client.post(reverse("admin:articles_article_restore", args=[article.pk, 1]))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Après"


def test_contributors_see_and_change_only_their_own_drafts(contributor_in_admin):
    response = contributor_in_admin.post(
        reverse("admin:articles_article_add"), form_data(title="Le mien")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    own = Article.objects.get(title="Le mien")
    assert own.created_by == contributor_in_admin.user
    assert Revision.objects.get(article=own).username == "cora"
    others = ArticleFactory(title="Celui d'un autre")
    listing = contributor_in_admin.get(CHANGELIST).content.decode()
    assert "Le mien" in listing and "Celui d&#x27;un autre" not in listing
    assert contributor_in_admin.get(
        reverse("admin:articles_article_change", args=[others.pk])
    ).status_code in (302, 404)
    # The restore button of another's article does not answer them either.
    restore = reverse("admin:articles_article_restore", args=[others.pk, 1])
    assert contributor_in_admin.post(restore).status_code == 404


def test_contributors_status_choices_and_actions(contributor_in_admin):
    add = contributor_in_admin.get(reverse("admin:articles_article_add"))
    status = add.context["adminform"].form.fields["status"]
    assert [value for value, _ in status.choices] == ["draft", "review"]
    response = contributor_in_admin.post(
        reverse("admin:articles_article_add"), form_data(status="published")
    )
    assert response.status_code == 200 and not Article.objects.exists()  # the form again

    contributor_in_admin.post(reverse("admin:articles_article_add"), form_data())
    own = Article.objects.get()
    actions = [
        name
        for name, _ in contributor_in_admin.get(CHANGELIST)
        .context["action_form"]
        .fields["action"]
        .choices
    ]
    assert "submit_for_review" in actions
    assert not {"publish", "unpublish", "archive", "delete_selected"} & set(actions)
    response = contributor_in_admin.post(
        CHANGELIST, {"action": "submit_for_review", "_selected_action": [own.pk]}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == "review"
    # In review it is theirs still; published, it is the editors'.
    services.articles_set_status(Article.objects.filter(pk=own.pk), "published")
    change = reverse("admin:articles_article_change", args=[own.pk])
    response = contributor_in_admin.post(change, form_data(own, title="Changed"))
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.title == "Un article"


def test_editors_have_a_waiting_for_review_filter(editor_in_admin):
    ArticleFactory(title="Submitted story", status="review", published_at=None)
    ArticleFactory(title="Draft story", status="draft", published_at=None)
    everything = editor_in_admin.get(CHANGELIST).content.decode()
    assert "Waiting for review" in everything
    queue = editor_in_admin.get(CHANGELIST, {"status__exact": "review"}).content.decode()
    assert "Submitted story" in queue and "Draft story" not in queue
    response = editor_in_admin.post(
        CHANGELIST,
        {
            "action": "publish",
            "_selected_action": list(Article.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302
    assert set(Article.objects.values_list("status", flat=True)) == {"published"}
