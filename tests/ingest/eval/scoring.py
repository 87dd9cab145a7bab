"""Extraction measured with the Gender Gap Tracker's metric, on pages written for it.

A page is ``NAME.txt`` or ``NAME.html`` (the raw page, as scraped) beside ``NAME.json``, its
gold: ``language``, ``authors`` (the byline's people, agencies left out) and ``quotes``, each
``{"text", "speaker"}``: the words between the quotation marks (a split quote's pieces, or a
quote running over paragraphs, joined into one), and who said them, as the article names them
in full ("Okafor" and "the professor" are "Chinedu Okafor"). ``speaker`` may list several
acceptable names (an organisation and its acronym); ``"anonymous": true`` marks an unnamed
source, whose description (e.g. "conseiller ministériel") must appear in the extracted one.

The metric (Asr et al., "The Gender Gap Tracker", PLoS ONE 2021): an extracted quote matches
a gold one when their token overlap (shared word tokens, counted with repetition, over the
longer span's token count) reaches the threshold, 0.3 or 0.8; each quote matches at most once.
Precision is matched extracted quotes over extracted ones, recall matched gold quotes over gold
ones; speaker accuracy is the share of quotes matched at 0.3 whose speaker is right.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from articles.extract import extract
from articles.text import make_slug

EVAL = Path(__file__).parent
THRESHOLDS = (0.3, 0.8)
WORD = re.compile(r"\w+")


@dataclass
class Page:
    name: str
    content: str
    gold: dict


@dataclass
class Tally:
    pages: int = 0
    gold: int = 0
    extracted: int = 0
    matched: dict[float, int] = field(default_factory=lambda: dict.fromkeys(THRESHOLDS, 0))
    speakers_right: int = 0
    bylines_right: int = 0

    def precision(self, threshold: float) -> float:
        return self.matched[threshold] / self.extracted if self.extracted else 0.0

    def recall(self, threshold: float) -> float:
        return self.matched[threshold] / self.gold if self.gold else 0.0

    def f1(self, threshold: float) -> float:
        p, r = self.precision(threshold), self.recall(threshold)
        return 2 * p * r / (p + r) if p + r else 0.0

    def speaker_accuracy(self) -> float:
        matched = self.matched[THRESHOLDS[0]]
        return self.speakers_right / matched if matched else 0.0

    def byline_accuracy(self) -> float:
        return self.bylines_right / self.pages if self.pages else 0.0


def pages(split: str) -> list[Page]:
    found = []
    for gold in sorted((EVAL / split).glob("*.json")):
        raw = next(gold.parent.glob(f"{gold.stem}.[th][xt]*"))
        found.append(Page(gold.stem, raw.read_text(encoding="utf-8"), json.loads(gold.read_text())))
    return found


def tokens(text: str) -> list[str]:
    return WORD.findall(text.lower())


def overlap(gold: str, extracted: str) -> float:
    a, b = tokens(gold), tokens(extracted)
    if not a or not b:
        return 0.0
    return sum((Counter(a) & Counter(b)).values()) / max(len(a), len(b))


def speaker_right(gold: dict, extracted: str) -> bool:
    names = gold["speaker"] if isinstance(gold["speaker"], list) else [gold["speaker"]]
    said = make_slug(extracted)
    for name in map(make_slug, names):
        if said == name or (gold.get("anonymous") and name in said):
            return True
    return False


def match(gold: list[dict], extracted: list[dict], threshold: float) -> list[tuple[dict, dict]]:
    """One-to-one, best overlap first."""
    pairs = sorted(
        ((overlap(g["text"], e["text"]), i, j) for i, g in enumerate(gold)
         for j, e in enumerate(extracted)),
        reverse=True,
    )  # fmt: skip
    used_gold, used_extracted, matched = set(), set(), []
    for score, i, j in pairs:
        if score < threshold or i in used_gold or j in used_extracted:
            continue
        used_gold.add(i)
        used_extracted.add(j)
        matched.append((gold[i], extracted[j]))
    return matched


@dataclass
class Report:
    tallies: dict[str, Tally]
    misses: list[str]


def evaluate(split: str) -> Report:
    tallies: dict[str, Tally] = {}
    misses: list[str] = []
    for page in pages(split):
        language = page.gold["language"]
        tally = tallies.setdefault(language, Tally())
        article = extract(page.content)
        gold, found = page.gold["quotes"], article["quotes"]
        tally.pages += 1
        tally.gold += len(gold)
        tally.extracted += len(found)
        authors = [make_slug(a) for a in article["authors"]]
        if authors == [make_slug(a) for a in page.gold["authors"]]:
            tally.bylines_right += 1
        else:
            misses.append(f"{page.name}: authors {article['authors']} != {page.gold['authors']}")
        for threshold in THRESHOLDS:
            tally.matched[threshold] += len(match(gold, found, threshold))
        pairs = match(gold, found, THRESHOLDS[0])
        for g, e in pairs:
            if speaker_right(g, e["source"]):
                tally.speakers_right += 1
            else:
                misses.append(f"{page.name}: speaker {e['source']!r} != {g['speaker']!r}")
        matched_gold = [id(g) for g, _ in pairs]
        matched_found = [id(e) for _, e in pairs]
        misses += [f"{page.name}: missed {g['text']!r}" for g in gold if id(g) not in matched_gold]
        misses += [f"{page.name}: invented {e['text']!r} ({e['source']})" for e in found
                   if id(e) not in matched_found]  # fmt: skip
    return Report(tallies, misses)


def table(report: Report) -> str:
    header = ("| language | pages | gold | found | P@0.3 | R@0.3 | F1@0.3 | P@0.8 | R@0.8 "
              "| F1@0.8 | speaker | byline |")  # fmt: skip
    lines = [header, "|" + " --- |" * 12]
    everything = Tally()
    for language in sorted(report.tallies):
        tally = report.tallies[language]
        lines.append(_row(language, tally))
        everything.pages += tally.pages
        everything.gold += tally.gold
        everything.extracted += tally.extracted
        everything.speakers_right += tally.speakers_right
        everything.bylines_right += tally.bylines_right
        for threshold in THRESHOLDS:
            everything.matched[threshold] += tally.matched[threshold]
    lines.append(_row("all", everything))
    return "\n".join(lines)


def _row(name: str, tally: Tally) -> str:
    cells = [name, str(tally.pages), str(tally.gold), str(tally.extracted)]
    for threshold in THRESHOLDS:
        cells += [f"{tally.precision(threshold):.2f}", f"{tally.recall(threshold):.2f}",
                  f"{tally.f1(threshold):.2f}"]  # fmt: skip
    cells += [f"{tally.speaker_accuracy():.2f}", f"{tally.byline_accuracy():.2f}"]
    return "| " + " | ".join(cells) + " |"
