from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "News articles"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from articles.api import representations
        from articles.search import forget_told

        representations.provide()  # the layers below the API store what it shows

        # A change log status read by one request's first statement is never another's.
        request_started.connect(forget_told, dispatch_uid="newsapi-forget-told-started")
        request_finished.connect(forget_told, dispatch_uid="newsapi-forget-told-finished")
