"""Writes of synonym sets (SPEC: Synonyms). A set applies to every search from the next one
on: queries read the sets when they are compiled, so nothing is re-indexed; each write marks
one for the host's searches (``search.wrote``), which then read the sets' version again."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from articles import search
from articles.models import SynonymSet
from articles.text import normalise_name

MAX_TERMS = 20
MAX_TERM_WORDS = search.MAX_TERM_WORDS


def checked_terms(terms: Sequence[str]) -> list[str]:
    """The terms as stored (names normalised, repeats dropped: "Kiev" and "kiev" are one);
    400 unless two or more remain, each of words, of at most ``MAX_TERM_WORDS`` words."""
    kept: dict[tuple[str, ...], str] = {}
    for term in terms:
        name = normalise_name(term)
        words = tuple(search.as_written(name))
        if not words:
            raise ValidationError({"terms": [f"{term!r} has no word in it."]})
        if len(words) > MAX_TERM_WORDS:
            raise ValidationError({"terms": [f"A term has at most {MAX_TERM_WORDS} words."]})
        kept.setdefault(words, name)
    if len(kept) < 2:
        raise ValidationError({"terms": ["A set needs two or more different terms."]})
    if len(kept) > MAX_TERMS:
        raise ValidationError({"terms": [f"A set has at most {MAX_TERMS} terms."]})
    return list(kept.values())


@transaction.atomic
def synonym_set_create(*, terms: Sequence[str], language: str | None = None) -> SynonymSet:
    synonym_set = SynonymSet(terms=checked_terms(terms), language=language or None)
    synonym_set.full_clean()
    synonym_set.save()
    search.wrote()
    return synonym_set


@transaction.atomic
def synonym_set_update(
    synonym_set: SynonymSet,
    *,
    terms: Sequence[str] | None = None,
    language: str | None = "",
) -> SynonymSet:
    """Change the terms, the language (``None``: every language), or both; "" keeps it."""
    if terms is not None:
        synonym_set.terms = checked_terms(terms)
    if language != "":
        synonym_set.language = language
    synonym_set.full_clean()
    synonym_set.save()
    search.wrote()
    return synonym_set


@transaction.atomic
def synonym_set_delete(synonym_set: SynonymSet) -> None:
    synonym_set.delete()
    search.wrote()
