"""The accent-folding text search configurations made by migration 0001."""

import pytest
from django.db import connection

from articles.search_config import SNOWBALL_LANGUAGES, config_for_language

pytestmark = pytest.mark.django_db


def lexemes(config: str, text: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector(%s::regconfig, %s))", [config, text])
        return set(cursor.fetchone()[0])


def test_french_folds_accents_before_stemming():
    assert lexemes("newsapi_french", "coréens") == lexemes("newsapi_french", "coreens")
    assert lexemes("newsapi_french", "Corée") == lexemes("newsapi_french", "coree")


def test_french_stems_plurals():
    assert lexemes("newsapi_french", "soldats") == lexemes("newsapi_french", "soldat")


def test_english_stems_plurals():
    assert lexemes("newsapi_english", "glaciers") == lexemes("newsapi_english", "glacier")


def test_hyphenated_words_are_searchable_by_their_parts():
    assert lexemes("newsapi_french", "coréens") <= lexemes("newsapi_french", "nord-coréens")


def test_fallback_configuration_folds_accents_without_stemming():
    assert lexemes("newsapi_simple", "Ærø Çà") == {"aero", "ca"}
    assert lexemes("newsapi_simple", "soldats") == {"soldats"}


def test_every_mapped_language_has_a_configuration():
    with connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_ts_config WHERE cfgname LIKE 'newsapi_%%'")
        present = {row[0] for row in cursor.fetchall()}
    assert {config_for_language(code) for code in SNOWBALL_LANGUAGES} <= present
    assert config_for_language("xx") == "newsapi_simple"
