"""Stored text is never shown as markup: a body is plain text or sanitised HTML, decided by
a rule that a lone "<" cannot fool, and every text path is linear in its input (or refuses a
page beyond the documented bounds)."""

from __future__ import annotations

import contextlib
import functools
import re
import re._parser as parser

import pytest
from django.urls import reverse

from articles import text
from articles.models import Article
from tests.factories import ArticleFactory

XSS = "Hello <img src=x onerror=\"document.title='XSS'\" and more words"


@pytest.mark.parametrize(
    ("body", "stored"),
    [
        (XSS, "Hello "),
        ("5 < 6 & 7, AT&amp;T", "5 < 6 & 7, AT&amp;T"),  # plain text stays as it is
        ("<script>x</script>Tom &amp; Jerry", "Tom & Jerry"),  # no tag left: its text
        ("<script></script>&lt;img src=x onerror=alert(1)&gt;",
         "<p>&lt;img src=x onerror=alert(1)&gt;</p>"),  # text that reads as markup stays HTML
        ("a <b>bold</b> word", "a <b>bold</b> word"),
    ],
)  # fmt: skip
def test_a_body_is_plain_text_or_sanitised_html_whatever_its_lone_brackets(body, stored):
    assert text.clean_body(body) == stored
    assert text.clean_body(stored) == stored  # stable: saving again changes nothing


def test_every_url_attribute_follows_the_scheme_rule():
    html = (
        '<q cite="javascript:alert(1)">a</q><q cite=" JaVa\tscript:alert(1)">b</q>'
        '<q cite="data:text/html,x">c</q><q cite="https://example.org/">d</q>'
        '<a href="java&#x09;script:alert(1)">e</a><a href="/relative">f</a>'
    )
    cleaned = text.sanitise_html(html)
    assert "script:" not in cleaned and "data:" not in cleaned
    assert 'cite="https://example.org/"' in cleaned and 'href="/relative"' in cleaned


@pytest.mark.django_db
def test_the_admin_preview_never_renders_stored_text_as_markup(admin_client_logged_in):
    article = ArticleFactory(title="Hostile", body=XSS)
    assert Article.objects.get(pk=article.pk).body == "Hello "
    # A body stored before the rule (as it was): the preview escapes it all the same.
    Article.objects.filter(pk=article.pk).update(body=XSS)
    url = reverse("admin:articles_article_preview", args=[article.pk])
    page = admin_client_logged_in.get(url).content.decode()
    shown = page[page.index('<div class="body">') : page.index("</article>")]
    assert "<img" not in shown and "onerror" not in shown and "Hello" in shown
    Article.objects.filter(pk=article.pk).update(body="<p>A <em>fine</em> body</p>")
    page = admin_client_logged_in.get(url).content.decode()
    assert '<div class="body"><p>A <em>fine</em> body</p></div>' in page


@pytest.mark.django_db
def test_a_scraped_page_spelling_out_markup_is_stored_without_it(editor_client):
    page = (
        "<html><body><h1>Un titre</h1><p>Premier paragraphe assez long pour le texte.</p>"
        "<p>Hello &lt;img src=x onerror=\"document.title='XSS'\" and more words</p>"
        "</body></html>"
    )
    response = editor_client.post(
        "/api/v1/articles/extract/?save=true", {"content": page}, format="json"
    )
    assert response.status_code == 201, response.content
    body = Article.objects.get(pk=response.json()["id"]).body
    assert "&lt;img src=x onerror" in body  # the words are kept, as text
    assert not re.search(r"<(?!/?p>)", body)  # and the only tags are paragraphs


# --- linear time ------------------------------------------------------------------------------


class RegexMeter:
    """Counts the work of the regular expressions a module runs, as an upper bound of the
    engine's steps: each call on a window of n characters costs n times the pattern's widest
    match (sre's own ``getwidth``), capped at n. Patterns whose unbounded runs never rescan
    (a class of characters that excludes where the run must stop) are listed as linear."""

    LINEAR = {
        r"<[^<>]*>",  # stops at the next "<"
        r"<\s*+/?\s*+([a-zA-Z][\w-]*+)?[^<>]*+>",  # possessive runs, stopped by the next "<"
        text._BLOCK_TAG.pattern,  # the same, its names a fixed list
        r"""(?:[^>"']|"[^"]*"|'[^']*')*""",  # one pass, never fails
        r""""[^"]*"|'[^']*'""",  # a quote's run ends at the next quote; at most two fail
        r"[\s/]+[^\s/>=]",
        r"\s+",
        r"<(?:(!--)|(/?)([A-Za-z][^\s/>]*))",  # the run cannot fail: finditer resumes after it
    }

    def __init__(self, monkeypatch, *modules) -> None:
        self.steps = 0
        for module in modules:
            for name, value in vars(module).items():
                if isinstance(value, re.Pattern):
                    monkeypatch.setattr(module, name, _Metered(value, self))

    def charge(self, pattern: re.Pattern, length: int, *, one_start: bool = False) -> None:
        """A search over ``length`` characters, or (``one_start``) a match that read them."""
        widest = _widest(pattern.pattern, pattern.flags)
        if pattern.pattern in self.LINEAR:
            self.steps += length + 1
        elif one_start:
            self.steps += min(widest, length) + 1
        else:
            self.steps += (length + 1) * max(min(widest, length), 1)


@functools.cache
def _widest(pattern: str, flags: int) -> int:
    """The widest match of a pattern (parsing a long one for every call is slow)."""
    return parser.parse(pattern, flags).getwidth()[1]


class _Metered:
    def __init__(self, pattern: re.Pattern, meter: RegexMeter) -> None:
        self.pattern, self.meter = pattern, meter

    def __getattr__(self, name):
        method = getattr(self.pattern, name)
        if not callable(method):
            return method

        def metered(*args, **kwargs):
            subject = next((a for a in args if isinstance(a, str)), "")
            start = next((a for a in args[1:] if isinstance(a, int)), 0)
            result = method(*args, **kwargs)
            if name in ("match", "fullmatch"):  # one start: what it read, or its width
                read = result.end() - start if result else len(subject) - start
                self.meter.charge(self.pattern, read, one_start=True)
            elif name == "search" and result is not None:  # the starts up to the match
                self.meter.charge(self.pattern, result.end() - start)
            else:
                self.meter.charge(self.pattern, len(subject) - start)
            return result

        return metered


def steps(monkeypatch, function, value) -> int:
    with monkeypatch.context() as patch:
        meter = RegexMeter(patch, text)
        with contextlib.suppress(text.MarkupTooComplex):  # refused: within the bound too
            function(value)
        return meter.steps


ADVERSARIAL = {
    "runs of <": lambda n: "<" * n,
    "runs of < and a letter": lambda n: "<a" * (n // 2),
    "runs of < and a block's name": lambda n: "<p" * (n // 2),
    "runs of &": lambda n: "&" * n,
    "runs of quotes": lambda n: '<p title="' + '"' * n,
    "unclosed comments": lambda n: "<!--" * (n // 4),
    "a word and a lone <": lambda n: "word < " * (n // 7),
    "a tag with many attributes": lambda n: "<p" + " a" * (n // 2),
}


@pytest.mark.parametrize("shape", ADVERSARIAL)
@pytest.mark.parametrize("path", ["clean_body", "plain_text", "paragraphs", "looks_like_html"])
def test_text_paths_take_steps_in_proportion_to_their_input(monkeypatch, shape, path):
    function = {
        "clean_body": text.clean_body,
        "plain_text": text.plain_text,
        "paragraphs": text.paragraphs,
        "looks_like_html": text.looks_like_html,
    }[path]
    small, large = (steps(monkeypatch, function, ADVERSARIAL[shape](n)) for n in (2**19, 2**20))
    assert large <= 2.2 * max(small, 1), (small, large)


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<div>" * 300, "levels deep"),
        ("<ul><li>" * 300, "levels deep"),
        ("<p " + " a" * 300 + ">x</p>", "attributes"),
        ("<p" + "/a" * 300 + ">x</p>", "attributes"),
        ('<p title=">"' + " a" * 300 + ">x</p>", "attributes"),
    ],
)
def test_html_beyond_the_parsers_linear_bounds_is_refused(html, message):
    with pytest.raises(text.MarkupTooComplex, match=message):
        text.clean_body(html)


def test_real_html_within_the_bounds_is_taken():
    nested = "<blockquote>" * 200 + "x" + "</blockquote>" * 200
    paragraphs = "<p>unclosed paragraph" * 5000  # implied end tags do not nest
    script = "<script>" + "'<div>' + " * 1000 + "</script><p>x</p>"
    for html in (nested, paragraphs, script, "<!-- " + "<div>" * 1000 + " --><p>x</p>"):
        text.check_markup(html)


@pytest.mark.django_db
def test_a_too_deep_body_is_a_400_naming_the_body(editor_client):
    response = editor_client.post(
        "/api/v1/articles/",
        {"title": "Deep", "body": "<div>" * 1000, "language": "en"},
        format="json",
    )
    assert response.status_code == 400 and "levels deep" in str(response.json()["body"])


# --- extraction -------------------------------------------------------------------------------

EXTRACTION = {
    "abbreviations": lambda n: "Titre\n\n" + "M. " * (n // 3),
    "a quote and a long sentence": lambda n: "Titre\n\n« oui » " + "a " * (n // 2),
    "according to nobody": lambda n: "Titre\n\n« oui » " + "selon il, " * (n // 10),
    "said nobody": lambda n: "Titre\n\n« oui » " + ", a dit il " * (n // 11),
    "unclosed guillemets": lambda n: "Titre\n\n" + "« " * (n // 2),
    "quotes": lambda n: "Titre\n\n" + '"' * n,
    "quoted people": lambda n: "Titre\n\n" + "Jean Dupont, maire, a dit « oui ». " * (n // 34),
    "running quotes": lambda n: "Titre\n\n" + "« a\n\n" * (n // 4),
    "a long name": lambda n: "Titre\n\n« oui », a dit " + "Jean " * (n // 5),
    "incises": lambda n: "Titre\n\n" + "« a, dit Paul Roux, b » " * (n // 24),
    "split quotes": lambda n: "Titre\n\n" + "“a,” she said, " * (n // 15),
}


@pytest.mark.parametrize("shape", EXTRACTION)
def test_extraction_takes_steps_in_proportion_to_its_input(monkeypatch, shape):
    from articles.extract import (
        bylines,
        dates,
        furniture,
        name_rules,
        quotes,
        speakers,
        text_page,
        verbs,
    )

    modules = (quotes, speakers, name_rules, verbs, text_page, furniture, bylines, dates)

    def run(n: int) -> int:
        with monkeypatch.context() as patch:
            meter = RegexMeter(patch, *modules, text)
            for module in modules:
                patch.setattr(module, "re", _MeteredModule(meter))
            quotes.quotations(text_page.from_text(EXTRACTION[shape](n)).paragraphs)
            return meter.steps

    small, large = run(2**16), run(2**17)
    assert large <= 2.2 * max(small, 1), (small, large)


class _MeteredModule:
    """``re`` for a module whose functions call ``re.sub(pattern, ...)`` inline."""

    def __init__(self, meter: RegexMeter) -> None:
        self.meter = meter

    def __getattr__(self, name):
        if name in ("search", "match", "fullmatch", "sub", "split", "finditer", "findall"):

            def call(pattern, *args, flags=0, **kwargs):
                compiled = _Metered(re.compile(pattern, flags), self.meter)
                return getattr(compiled, name)(*args, **kwargs)

            return call
        return getattr(re, name)


def test_extraction_refuses_html_beyond_the_parsers_bounds():
    from articles.extract import extract

    with pytest.raises(text.MarkupTooComplex):
        extract("<p " + " ".join(f"a{i}=x" for i in range(40_000)) + ">hi</p>")


@pytest.mark.django_db
def test_extract_answers_400_for_a_page_beyond_the_bounds(editor_client):
    page = "<html><body>" + "<div>" * 5000 + "<p>x</p></body></html>"
    response = editor_client.post(
        "/api/v1/articles/extract/?save=true", {"content": page}, format="json"
    )
    assert response.status_code == 400 and "levels deep" in str(response.json())


def test_the_abbreviation_rule_is_the_old_one():
    import random

    from articles.extract import quotes

    pattern = re.compile(r"\b(?:M|Mme|Dr|Mr|Mrs|Ms|St|Gen|Sen|Prof|[A-Z])\.$")
    pieces = ["M", "Mme", "Dr", "é", "Prof", "Profs", "X", "xM", "_M", "1", "a", " ", "St"]
    chance = random.Random(2)
    for _ in range(5000):
        line = "".join(chance.choice(pieces) for _ in range(chance.randint(0, 6))) + "."
        start = chance.randint(0, len(line) - 1)
        expected = bool(pattern.search(line[start:]))
        assert quotes.abbreviation(line, start, len(line) - 1) == expected, (line, start)
