"""The lifecycle in the article admin: who sees and changes which articles, the status choices
a user may make, the workflow's actions, and the history of revisions with their diffs and a
restore button."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from articles import lifecycle, services
from articles.lifecycle._diff import readable
from articles.lifecycle._workflow import CONTRIBUTOR_STATUSES
from articles.lifecycle.models import Revision
from articles.models import Article

Status = Article.Status
HISTORY_PAGE = 20


def admin_actor(request: HttpRequest) -> lifecycle.Actor:
    return lifecycle.Actor.of(request.user, "admin")


class LifecycleAdmin(admin.ModelAdmin):
    """Mixed into ``ArticleAdmin``. Contributors (``add_article`` without ``change_article``)
    see their own articles and change them while drafts or in review; the rules themselves
    are ``lifecycle``'s, asked again by the write."""

    object_history_template = "admin/articles/article/revisions.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        articles = super().get_queryset(request)
        if not request.user.has_perm("articles.change_article"):
            articles = articles.filter(created_by=request.user)
        return articles

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if super().has_change_permission(request, obj):
            return True
        if not request.user.has_perm("articles.add_article"):
            return False
        return obj is None or (
            obj.created_by_id == request.user.pk and obj.status in CONTRIBUTOR_STATUSES
        )

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.publish_article")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change, **kwargs)
        status = form.base_fields.get("status")
        if status is not None:
            status.choices = status_choices(admin_actor(request), obj)
        form.actor = admin_actor(request)
        return form

    def save_write(self, request: HttpRequest, article: Article, **relations: Any) -> None:
        """The article and its relations, in one write (``ArticleAdmin.save_related``)."""
        try:
            services.article_admin_write(article, actor=admin_actor(request), **relations)
        except lifecycle.Forbidden as error:  # the form checked; the article changed since
            raise PermissionDenied(str(error)) from None

    def set_status(self, request: HttpRequest, queryset: QuerySet[Article], status: str) -> None:
        try:
            count = services.articles_set_status(queryset, status, actor=admin_actor(request))
        except lifecycle.Forbidden as error:
            self.message_user(request, f"Nothing changed. {error}", messages.ERROR)
            return
        label = Status(status).label.lower()
        self.message_user(request, f"{count} article(s) now {label}.", messages.SUCCESS)

    @admin.action(description="Publish the selected articles", permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self.set_status(request, queryset, Status.PUBLISHED)

    @admin.action(
        description="Unpublish the selected articles (back to draft)", permissions=["publish"]
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self.set_status(request, queryset, Status.DRAFT)

    @admin.action(description="Archive the selected articles", permissions=["publish"])
    def archive(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self.set_status(request, queryset, Status.ARCHIVED)

    @admin.action(description="Submit the selected articles for review", permissions=["add"])
    def submit_for_review(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self.set_status(request, queryset, Status.REVIEW)

    # --- history ---------------------------------------------------------------------------

    def get_urls(self) -> list:
        restore = self.admin_site.admin_view(self.restore_view)
        return [
            path(
                "<int:pk>/history/<int:number>/restore/",
                restore,
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        """Django's action log, and above it the revisions: who, when, through which door,
        what changed (the body by paragraph), and a button to restore each older one."""
        article = self.get_object(request, object_id)
        if article is None or not self.has_view_or_change_permission(request, article):
            return super().history_view(request, object_id, extra_context)
        page = Paginator(
            Revision.objects.filter(article=article).order_by("-number"), HISTORY_PAGE
        ).get_page(request.GET.get("revisions"))
        revisions = [
            {"revision": revision, "changes": readable(revision.field_changes())}
            for revision in page
        ]
        context = {
            "revisions": revisions,
            "revision_page": page,
            "may_restore": self.has_change_permission(request, article),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    def restore_view(self, request: HttpRequest, pk: int, number: int) -> HttpResponse:
        """The history page's restore button (a POST, CSRF-checked by the admin's views)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        try:
            lifecycle.restore(article, number, actor=lifecycle.Actor.of(request.user, "restore"))
        except lifecycle.UnknownRevision:
            self.message_user(request, f"There is no revision {number}.", messages.ERROR)
        except lifecycle.Forbidden as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request, f"Revision {number} restored as a new revision.", messages.SUCCESS
            )
        return HttpResponseRedirect(reverse("admin:articles_article_history", args=[pk]))


def status_choices(actor: lifecycle.Actor, article: Article | None) -> list[tuple[str, str]]:
    """The statuses the form offers: those ``actor`` may give this article (its own one
    always, so that a form saved unchanged stays valid)."""
    current = lifecycle.State.of(article) if article is not None and article.pk else None
    offered = []
    for value, label in Status.choices:
        after = lifecycle.State(
            value,
            current.published_at if current else None,
            current.created_by_id if current else actor.user_id,
        )
        if (current and current.status == value) or lifecycle.refusal(
            actor, current, after
        ) is None:
            offered.append((value, label))
    return offered


def form_refusal(form: Any) -> str | None:
    """What ``lifecycle`` says of the form's write (``ArticleForm.clean``), before it is made."""
    actor = getattr(form, "actor", None)
    if actor is None or "status" not in form.cleaned_data:
        return None
    instance = form.instance
    before = lifecycle.State.of(instance) if instance.pk else None
    after = lifecycle.State(
        form.cleaned_data["status"],
        form.cleaned_data.get("published_at"),
        before.created_by_id if before else actor.user_id,
    )
    return lifecycle.refusal(actor, before, after)
