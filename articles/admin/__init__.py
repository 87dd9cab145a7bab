"""The editors' admin (Django autodiscovers ``articles.admin``): the article's (``article``,
its form ``article_form``, its ``preview``, the form's ``widgets``, the changelist's
``filters`` by name and ``schedule`` column and filter), the names' (``named``), the synonym
sets' (``synonym_sets``); the lifecycle's (``articles.lifecycle.admin``) and the webhooks'
(``articles.events.admin``) live beside their code. Saves go through ``articles.services``,
so search documents stay in step."""

from articles.admin import article, named, synonym_sets  # noqa: F401  (registers them)
from articles.events import admin as events_admin  # noqa: F401  (webhooks)
