"""Quote extraction measured on our evaluation set (tests/ingest/eval/): precision, recall
and F1 at 0.3 and 0.8 token overlap, speaker accuracy and byline accuracy, per language.

    .venv/bin/python bench/extraction.py                 # the dev set
    .venv/bin/python bench/extraction.py --details       # and every miss, for tuning
    .venv/bin/python bench/extraction.py --set heldout   # the held-out third: once, at the end
    .venv/bin/python bench/extraction.py --set heldout-2 # written after tuning, scored once
    .venv/bin/python bench/extraction.py --set heldout-3 # written blind by another, scored once
    .venv/bin/python bench/extraction.py --set heldout-4 # a fourth blind set, scored once
    .venv/bin/python bench/extraction.py --set heldout-5 # a fifth blind set, scored once
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sets = ["dev", "heldout", "heldout-2", "heldout-3", "heldout-4", "heldout-5"]
    parser.add_argument("--set", default="dev", choices=sets)
    parser.add_argument("--details", action="store_true", help="list every miss")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsapi.settings")
    import django

    django.setup()
    from tests.ingest.eval.scoring import evaluate, table

    report = evaluate(args.set)
    print(table(report))
    if args.details:
        print("\n".join(report.misses))


if __name__ == "__main__":
    main()
