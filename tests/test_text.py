"""The identity of names (slugs), folding, and the text never stored (property-based too)."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from articles.text import (
    fold,
    is_slug,
    make_slug,
    normalise_name,
    paragraphs,
    plain_text,
    strip_controls,
    word_count,
)

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
    """Name lookups by prefix (``newsapi_fold``) find what the slugs call one name."""
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


@pytest.mark.parametrize(
    ("same", "names"),
    [
        (True, ["Russie-Ukraine", "Russie\u2013Ukraine", "russie \u2014 ukraine"]),
        (True, ["Russie_Ukraine", "Russie / Ukraine"]),
        (True, ["Corée du Nord", "COREE DU NORD", "Coree  du  Nord"]),
        (True, ["\uff23++", "C++", "c ++"]),  # full-width C (NFKC)
        (True, ["Procter & Gamble", "Procter and Gamble"]),
        (True, ["#MeToo", "MeToo"]),
        (True, ["\u00bd", "1/2", "1 / 2"]),
        (False, ["C++", "C#", "C"]),
        (False, ["F#", "F"]),
        (False, ["AT&T", "ATT"]),
        (False, ["1/2", "12"]),
        (False, ["\u0e02\u0e48\u0e32\u0e27", "\u0e02\u0e32\u0e27"]),  # Thai "news", "white"
        (False, ["\u0915\u093e\u0932", "\u0915\u0932"]),  # Hindi kaal, kal: a vowel sign
    ],
)
def test_identity_of_names(same, names):
    slugs = {make_slug(name) for name in names}
    assert len(slugs) == (1 if same else len(names)), slugs
    assert all(is_slug(slug) for slug in slugs)


def test_slugs_spell_out_the_symbols_that_tell_names_apart():
    assert make_slug("C++") == "c-plus-plus"
    assert make_slug("C#") == "c-sharp"
    assert make_slug("AT&T") == "at-and-t"
    assert make_slug("L\u2019Or\u00e9al") == make_slug("L'Oreal") == "loreal"


@given(st.text(max_size=40))
def test_any_text_gives_a_valid_slug_or_none(text):
    slug = make_slug(text)
    assert slug == "" or is_slug(slug)
    assert make_slug(slug) == slug


def test_control_characters_and_bidi_overrides_are_stripped():
    assert normalise_name("Ann\u202eA\x00 \x07Smith\n") == "AnnA Smith"
    assert strip_controls("a\tb\r\nc\u2066d\x0b", multiline=True) == "a\tb\r\ncd"
    assert strip_controls("a\tb\nc") == "a b c"


def test_french_ligatures_are_spelled_out():
    assert make_slug("Cœur de Sœur") == make_slug("coeur de soeur") == "coeur-de-soeur"
    assert make_slug("Ærøskøbing") == "aeroskobing"


def test_paragraphs_are_the_blocks_of_html_or_the_lines_of_text():
    html = (
        "<h2>Le  titre</h2><p>Un <em>mot</em> ici.<br>Puis là.</p><ul><li>un</li></ul><pre>x</pre>"
    )
    assert paragraphs(html) == ["Le titre", "Un mot ici.", "Puis là.", "un", "x"]
    assert paragraphs("First line.\n\n  Second   line.\nThird.") == [
        "First line.", "Second line.", "Third."
    ]  # fmt: skip


def test_words_are_counted_as_readers_count_them():
    assert word_count("<p>L'armée a reculé de 4 % — selon «\u00a0l'état-major\u00a0».</p>") == 7
    assert word_count("___ -- _x !! 3") == 2
    assert word_count("") == 0


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]) | st.sampled_from(" _-\u00a0\n")))
def test_a_word_is_a_run_between_spaces_with_a_letter_or_digit_in_it(body):
    tokens = plain_text(body).split()
    assert word_count(body) == sum(1 for token in tokens if any(c.isalnum() for c in token))
