"""Names fold and slugify the same way in Python and in the database (property-based)."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.text import fold, make_slug

# Latin letters with and without diacritics, ligatures, spaces and hyphens: names of people,
# places and topics in the languages we publish.
LATIN = st.characters(
    min_codepoint=0x20,
    max_codepoint=0x17F,
    categories=["Lu", "Ll", "Zs", "Pd"],
)
NAMES = st.text(LATIN, min_size=1, max_size=30)


@given(NAMES)
def test_slugs_ignore_case_and_accents(name):
    assert make_slug(name) == make_slug(name.upper()) == make_slug(fold(name))


@pytest.mark.django_db
def test_every_latin_letter_folds_alike_in_python_and_the_database():
    letters = [chr(c) for c in range(0xC0, 0x180) if chr(c).isalpha()]
    with connection.cursor() as cursor:
        cursor.execute("SELECT newsapi_fold(x) FROM unnest(%s::text[]) AS x", [letters])
        in_database = [row[0] for row in cursor.fetchall()]
    differing = {
        letter: folded
        for letter, folded in zip(letters, in_database, strict=True)
        if make_slug(folded) != make_slug(letter)
    }
    assert differing == {}


@pytest.mark.django_db
@settings(max_examples=300, deadline=None)
@given(NAMES)
def test_python_and_database_fold_alike(name):
    """Otherwise one spelling could pass the slug check and fail the folded-name constraint."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT newsapi_fold(%s)", [name])
        in_database = cursor.fetchone()[0]
    assert make_slug(in_database) == make_slug(name)


def test_french_ligatures_are_spelled_out():
    assert make_slug("Cœur de Sœur") == make_slug("coeur de soeur") == "coeur-de-soeur"
    assert make_slug("Ærøskøbing") == "aeroskobing"
