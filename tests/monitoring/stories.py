"""Made-up news stories and the copies outlets make of them (syndicated wire copy: another
headline, a paragraph dropped or added, their own byline and boilerplate), for the
near-duplicate tests. Seeded: the same seed gives the same story."""

from __future__ import annotations

import random

_SYLLABLES = ["ka", "lo", "mi", "ter", "van", "so", "rel", "dun", "pa", "gri", "mo", "sel",
              "tu", "bar", "ne", "fol", "chi", "ast", "ro", "lem", "qui"]  # fmt: skip
_VOCABULARY = sorted(
    {"".join(random.Random(n).choice(_SYLLABLES) for _ in range(1 + n % 3)) for n in range(4000)}
)
_COMMON = ["the", "a", "of", "in", "to", "and", "said", "on", "for", "with", "was", "that"]
TOPICS = {
    "glaciers": ["glacier", "ice", "melt", "alps", "summer", "heat", "volume", "scientists"],
    "elections": ["vote", "ballot", "party", "minister", "turnout", "campaign", "poll", "seat"],
}


def _sentence(rng: random.Random, topic: list[str]) -> str:
    words = []
    for _ in range(rng.randint(10, 18)):
        pick = rng.random()
        pool = _COMMON if pick < 0.35 else topic if pick < 0.5 else _VOCABULARY
        words.append(rng.choice(pool))
    return " ".join(words).capitalize() + "."


def story(seed: int, *, topic: str = "glaciers", paragraphs: int = 8) -> list[str]:
    """A story's paragraphs (about 40 to 70 words each), all on ``topic``."""
    rng = random.Random(seed)
    words = TOPICS[topic]
    return [" ".join(_sentence(rng, words) for _ in range(rng.randint(3, 4)))
            for _ in range(paragraphs)]  # fmt: skip


def copy_of(
    paragraphs: list[str],
    *,
    outlet: str,
    drop: int | None = None,
    add: str | None = None,
    trim: int = 0,
) -> str:
    """The body an outlet runs: its byline and boilerplate around the wire's paragraphs, one
    dropped, one of its own added, or the last ``trim`` cut."""
    kept = [p for n, p in enumerate(paragraphs) if n != drop]
    if trim:
        kept = kept[:-trim]
    if add:
        kept.insert(len(kept) // 2, add)
    byline = f"By {outlet} staff and agencies"
    boilerplate = f"Copyright {outlet}. All rights reserved. Read more on {outlet}."
    return "".join(f"<p>{text}</p>" for text in [byline, *kept, boilerplate])
