"""Near-duplicate benchmark: precision and recall of the groups on a generated syndication set.

    .venv/bin/python bench/duplicates.py --stories 300

1. Generates wire stories (English and French, ``run.py``'s vocabulary with its natural word
   frequencies; 6 to 12 paragraphs of 35 to 90 words), published by the agency and by 0 to
   7 outlets the way outlets run wire copy: a headline of their own, one change of the
   story (none, a paragraph dropped, a paragraph of their own added, the last trimmed, each
   as likely), in 3 copies out of 10 one to three words edited, and always their own byline
   and boilerplate (a line of 12 to 25 words: "This article first appeared on ...", a
   newsletter pitch). Beside them, the hard negatives: different stories on the
   same topic (its words, a statement quoted word for word in each, the same opening
   phrase), and follow-ups that reuse two background paragraphs of an earlier story.
2. Imports them, shuffled, through the import's code path (batches of 500: copies meet
   inside a batch and across batches) into an empty database of its own
   (``newsapi_bench_duplicates``).
3. Scores the groups against the truth (same wire story) over pairs of articles:
   precision = pairs grouped that are copies / pairs grouped, recall = pairs of copies
   grouped / pairs of copies. Also after ``rebuild_duplicates``, and says how many true pairs
   have an exact Jaccard similarity at or above the threshold (what the definition can reach).
4. Writes ``bench/results/duplicates.json``.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # the bench database and results
import archive  # the search benchmark's vocabulary

DATABASE = "newsapi_bench_duplicates"
OUTLETS = ["Daily Planet", "The Courier", "Evening Gazette", "Le Matin", "La Dépêche",
           "Northern Echo", "Metro Wire", "City Herald", "Ouest Éclair",
           "The Sentinel"]  # fmt: skip
BOILERPLATE = [
    "This article first appeared on {o} and is republished here with permission from our "
    "partners at the wire service",
    "Sign up for the {o} morning newsletter to get the day's most important stories delivered "
    "to your inbox before breakfast every day",
    "Cet article a été publié initialement par {o} avec l'agence et il est reproduit ici avec "
    "son aimable autorisation",
    "Follow {o} on social media for breaking news updates and analysis from our reporters "
    "around the world",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=300, help="wire stories")
    parser.add_argument("--topics", type=int, default=40, help="topics of the hard negatives")
    parser.add_argument("--seed", type=int, default=20261202)
    return parser.parse_args()


class Maker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.vocab = {lang: archive.Vocabulary(lang) for lang in archive.LANGUAGES}

    def sentence(self, language: str, topic: list[str]) -> str:
        words = self.vocab[language].draw(self.rng, self.rng.randint(9, 22))
        for place in range(len(words)):
            if topic and self.rng.random() < 0.15:
                words[place] = self.rng.choice(topic)
        return " ".join(words).capitalize() + "."

    def paragraph(self, language: str, topic: list[str], words: tuple[int, int] = (35, 90)) -> str:
        sentences, size = [], 0
        target = self.rng.randint(*words)
        while size < target:
            sentences.append(self.sentence(language, topic))
            size += len(sentences[-1].split())
        return " ".join(sentences)

    def story(self, language: str, topic: list[str], extra: list[str] = ()) -> list[str]:
        paragraphs = [self.paragraph(language, topic) for _ in range(self.rng.randint(6, 12))]
        for text in extra:  # shared with other stories of the topic
            place = self.rng.randrange(len(paragraphs))
            paragraphs[place] = f"{paragraphs[place]} {text}"
        return paragraphs

    def headline(self, language: str, topic: list[str]) -> str:
        return self.sentence(language, topic).rstrip(".")

    def copy(self, paragraphs: list[str], language: str, topic: list[str]) -> list[str]:
        """An outlet's version of wire copy: one change of the story (none, a paragraph
        dropped, one of its own added, the last trimmed) and sometimes a few words edited."""
        rng, kept = self.rng, list(paragraphs)
        change = rng.choice(["none", "drop", "add", "trim"])
        if change == "drop":
            del kept[rng.randrange(1, len(kept))]
        elif change == "add":
            kept.insert(rng.randrange(1, len(kept) + 1), self.paragraph(language, topic))
        elif change == "trim":
            kept.pop()
        if rng.random() < 0.3:  # a copy editor changed a few words
            for _ in range(rng.randint(1, 3)):
                place = rng.randrange(len(kept))
                words = kept[place].split()
                words[rng.randrange(len(words))] = self.vocab[language].draw(rng, 1)[0]
                kept[place] = " ".join(words)
        return kept


def body(paragraphs: list[str], outlet: str, rng: random.Random) -> str:
    byline = f"By {rng.choice(['Jane Smith', 'Ali Ben', 'Marie Dupont', 'Staff'])}, {outlet}"
    boilerplate = rng.choice(BOILERPLATE).format(o=outlet)
    return "".join(f"<p>{text}</p>" for text in [byline, *paragraphs, boilerplate])


def generate(args: argparse.Namespace) -> tuple[list[dict], list[int]]:
    """The records and, for each, the id of its story (the truth)."""
    maker = Maker(args.seed)
    rng = maker.rng
    records: list[dict] = []
    truth: list[int] = []
    story_number = itertools.count()
    topics = []
    for _ in range(args.topics):
        language = rng.choice(archive.LANGUAGES)
        words = maker.vocab[language].draw(rng, 12)
        statement = maker.sentence(language, words) + " " + maker.sentence(language, words)
        topics.append((language, words, statement))
    wires = []
    for _ in range(args.stories):
        language, words, statement = rng.choice(topics)
        wire = maker.story(language, words, [statement])
        wires.append((language, words, wire))
        number = next(story_number)
        for place, outlet in enumerate(["Wire", *rng.sample(OUTLETS, rng.randint(0, 7))]):
            # The agency's own version, then the outlets'.
            paragraphs = wire if place == 0 else maker.copy(wire, language, words)
            records.append(
                {
                    "title": maker.headline(language, words),
                    "body": body(paragraphs, outlet, rng),
                    "language": language,
                }
            )
            truth.append(number)
    # Hard negatives: another story of a topic, with its statement; a follow-up reusing two
    # background paragraphs of an earlier wire story.
    for _ in range(args.stories // 2):
        language, words, statement = rng.choice(topics)
        records.append(
            {
                "title": maker.headline(language, words),
                "body": body(maker.story(language, words, [statement]), "Wire", rng),
                "language": language,
            }
        )
        truth.append(next(story_number))
        language, words, wire = rng.choice(wires)
        follow_up = maker.story(language, words) + rng.sample(wire, 2)
        records.append(
            {
                "title": maker.headline(language, words),
                "body": body(follow_up, "Wire", rng),
                "language": language,
            }
        )
        truth.append(next(story_number))
    order = list(range(len(records)))
    rng.shuffle(order)
    start = 1_700_000_000
    for n, index in enumerate(order):
        records[index].update(status="published", url=f"https://example.org/syndicated/{index}",
                              published_at=_iso(start + n * 60))  # fmt: skip
    return [records[i] for i in order], [truth[i] for i in order]


def _iso(seconds: int) -> str:
    import datetime

    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).isoformat()


def pairs(labels: dict[str, object]) -> set[tuple[str, str]]:
    by_label: dict[object, list[str]] = defaultdict(list)
    for key, label in labels.items():
        if label is not None:
            by_label[label].append(key)
    return {
        tuple(sorted(p))
        for members in by_label.values()
        for p in itertools.combinations(members, 2)
    }


def score(truth: dict[str, int]) -> dict[str, float]:
    from articles.models import Article

    grouped = dict(Article.objects.values_list("url", "fingerprint__group_id"))
    predicted, actual = pairs(grouped), pairs(truth)
    hits = len(predicted & actual)
    return {
        "pairs_grouped": len(predicted),
        "pairs_true": len(actual),
        "precision": round(hits / len(predicted), 4) if predicted else 1.0,
        "recall": round(hits / len(actual), 4) if actual else 1.0,
    }


def reachable(truth: dict[str, int]) -> float:
    """The share of true pairs whose exact Jaccard similarity is at or above the threshold."""
    import numpy as np
    from django.conf import settings

    from articles.duplicates._signatures import shingles, story_text
    from articles.models import Article

    sets = {url: shingles(story_text(b)) for url, b in Article.objects.values_list("url", "body")}
    actual = pairs(truth)
    above = 0
    for a, b in actual:
        common = len(np.intersect1d(sets[a], sets[b], assume_unique=True))
        above += common / (len(sets[a]) + len(sets[b]) - common) >= settings.DUPLICATE_THRESHOLD
    return round(above / len(actual), 4) if actual else 1.0


def main() -> None:
    args = parse_args()
    _common.BENCH_DATABASE = DATABASE
    _common.use_bench_database(reuse=False)
    import io

    from django.conf import settings
    from django.core.management import call_command

    from articles.ingest import Entry, import_entries

    records, labels = generate(args)
    truth = {record["url"]: label for record, label in zip(records, labels, strict=True)}
    settings.SEARCH_INDEX_PATH = Path(_common.ROOT / ".data" / "bench-duplicates-index")
    started = time.perf_counter()
    entries = [Entry(f"line {n}", record) for n, record in enumerate(records, start=1)]
    report = import_entries(entries, workers=1)
    imported = time.perf_counter() - started
    on_write = score(truth)
    started = time.perf_counter()
    call_command("rebuild_duplicates", stdout=io.StringIO())
    rebuilt_s = time.perf_counter() - started
    result = {
        "articles": len(records),
        "wire_stories": args.stories,
        "threshold": settings.DUPLICATE_THRESHOLD,
        "import": report.summary(),
        "import_s": round(imported, 1),
        "on_write": on_write,
        "after_rebuild": score(truth),
        "rebuild_s": round(rebuilt_s, 1),
        "true_pairs_at_or_above_threshold": reachable(truth),
    }
    _common.save("duplicates", result)


if __name__ == "__main__":
    main()
