"""A revision's changes as an editor reads them: the body and the quotes paragraph by
paragraph, with the words that changed inside a changed paragraph marked; lists by name;
other fields old and new."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.text import paragraphs

_PARAGRAPHS = ("body", "quotes")
# The order an editor reads an article in; other fields follow alphabetically.
_ORDER = ("title", "standfirst", "body", "authors", "tags", "quotes", "status", "published_at")


@dataclass(frozen=True)
class FieldChange:
    field: str
    html: SafeString  # escaped text, with <del>/<ins> for what went and came


def readable(changes: Mapping[str, Any]) -> list[FieldChange]:
    def place(field: str) -> tuple[int, str]:
        return (_ORDER.index(field) if field in _ORDER else len(_ORDER), field)

    return [
        FieldChange(field.replace("_", " "), _html(field, *changes[field]))
        for field in sorted(changes, key=place)
    ]


def _html(field: str, old: Any, new: Any) -> SafeString:
    if field in _PARAGRAPHS:
        return _paragraph_diff(_lines(field, old), _lines(field, new))
    if old in (None, "", []):
        return mark_safe(f"<ins>{escape(_text(new))}</ins>")
    if new in (None, "", []):
        return mark_safe(f"<del>{escape(_text(old))}</del>")
    return mark_safe(f"<del>{escape(_text(old))}</del> → <ins>{escape(_text(new))}</ins>")


def _lines(field: str, value: Any) -> list[str]:
    if field == "body":
        return paragraphs(value or "")
    return [f"{quote['source']['name']}: “{quote['text']}”" for quote in value or []]


def _text(value: Any) -> str:
    if value in (None, "", []):
        return "(none)"
    if isinstance(value, list):  # authors, tags
        return ", ".join(item["name"] for item in value)
    return str(value)


def _paragraph_diff(old: list[str], new: list[str]) -> SafeString:
    """``<p>`` a paragraph: unchanged ones summed up, removed and added ones marked, and the
    words of a paragraph changed in place marked inside it."""
    out = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            count = a2 - a1
            out.append(
                f'<p class="unchanged">({count} paragraph{"s" * (count != 1)} unchanged)</p>'
            )
        else:
            out += _replaced(old[a1:a2], new[b1:b2])
    return mark_safe("".join(out))


def _replaced(old: list[str], new: list[str]) -> list[str]:
    """Paragraphs that took the place of others: in order, each pair that stayed alike (half
    its words or more) with its words marked, the rest removed or added whole."""
    out = []
    for index in range(max(len(old), len(new))):
        a = old[index] if index < len(old) else None
        b = new[index] if index < len(new) else None
        if a is not None and b is not None and _alike(a, b):
            out.append(f"<p>{_word_diff(a, b)}</p>")
            continue
        if a is not None:
            out.append(f"<p><del>{escape(a)}</del></p>")
        if b is not None:
            out.append(f"<p><ins>{escape(b)}</ins></p>")
    return out


def _alike(old: str, new: str) -> bool:
    return difflib.SequenceMatcher(a=old.split(), b=new.split(), autojunk=False).ratio() >= 0.5


def _word_diff(old: str, new: str) -> str:
    a, b = old.split(), new.split()
    out = []
    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(escape(" ".join(a[a1:a2])))
            continue
        if a2 > a1:
            out.append(f"<del>{escape(' '.join(a[a1:a2]))}</del>")
        if b2 > b1:
            out.append(f"<ins>{escape(' '.join(b[b1:b2]))}</ins>")
    return " ".join(out)
