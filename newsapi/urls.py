from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from articles import feeds
from newsapi.docs import redoc_bundle
from newsapi.health import healthz
from newsapi.home import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("feeds/articles.rss", feeds.ArticlesRss(), name="feed-rss"),
    path("feeds/articles.atom", feeds.ArticlesAtom(), name="feed-atom"),
    path("feeds/articles.json", feeds.articles_json, name="feed-json"),
    path("api/v1/", include("articles.api.urls")),
    # The schema and its two readers are static pages: not throttled (no count to keep).
    path("api/schema/", SpectacularAPIView.as_view(throttle_classes=[]), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema", throttle_classes=[]),
        name="swagger-ui",
    ),
    path("api/redoc-assets/bundles/redoc.standalone.js", redoc_bundle, name="redoc-bundle"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="schema", throttle_classes=[]),
        name="redoc",
    ),
]

# Uploaded images, while developing (runserver with DEBUG; nothing otherwise, nor for a
# storage with URLs of its own): Django's static view, which refuses paths out of
# MEDIA_ROOT and lists no folders; every stored name is ours (articles/images.py).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "newsapi.errors.bad_request"
handler404 = "newsapi.errors.not_found"
handler500 = "newsapi.errors.server_error"
