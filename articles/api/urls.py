from django.urls import path

from articles.api import event_views, monitoring_views, revision_views, views
from articles.api.root import NewsRouter

router = NewsRouter(trailing_slash=True)
router.register("articles", views.ArticleViewSet, basename="article")
router.register("authors", views.AuthorViewSet, basename="author")
router.register("tags", views.TagViewSet, basename="tag")
router.register("sources", views.QuotedSourceViewSet, basename="source")
router.register("quotes", views.QuotationViewSet, basename="quote")
router.register("synonyms", views.SynonymSetViewSet, basename="synonym")
router.register("webhooks", event_views.WebhookEndpointViewSet, basename="webhook")
router.register("saved-searches", monitoring_views.SavedSearchViewSet, basename="saved-search")

revisions = revision_views.ArticleRevisionViewSet
urlpatterns = [
    path(
        "articles/<int:id>/revisions/",
        revisions.as_view({"get": "list"}),
        name="article-revision-list",
    ),
    path(
        "articles/<int:id>/revisions/<int:number>/",
        revisions.as_view({"get": "retrieve"}),
        name="article-revision-detail",
    ),
    path(
        "articles/<int:id>/revisions/<int:number>/restore/",
        revisions.as_view({"post": "restore"}),
        name="article-revision-restore",
    ),
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("suggest/", views.SuggestView.as_view(), name="suggest"),
    path("changes/", event_views.ChangesView.as_view(), name="changes"),
    *router.urls,
]
