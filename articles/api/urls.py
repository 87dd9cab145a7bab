from django.urls import path

from articles.api import event_views, monitoring_views, views
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

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("suggest/", views.SuggestView.as_view(), name="suggest"),
    path("changes/", event_views.ChangesView.as_view(), name="changes"),
    *router.urls,
]
