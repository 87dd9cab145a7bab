"""Quote extraction keeps its measured quality on the evaluation set's dev pages
(tests/ingest/eval/dev/; bench/extraction.py prints the table): a floor a little below what
it reaches, so that a regression fails. The held-out pages are not tested here: they are the
check that the dev pages were not merely learnt (bench/README.md)."""

from __future__ import annotations

import pytest

from tests.ingest.eval.scoring import evaluate, overlap, speaker_right

FLOORS = {"f1_at_0.3": 0.95, "f1_at_0.8": 0.93, "speaker": 0.92, "byline": 0.93}


@pytest.fixture(scope="module")
def report():
    return evaluate("dev")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_dev_pages_stay_above_the_floor(report, language):
    tally = report.tallies[language]
    measured = {
        "f1_at_0.3": tally.f1(0.3),
        "f1_at_0.8": tally.f1(0.8),
        "speaker": tally.speaker_accuracy(),
        "byline": tally.byline_accuracy(),
    }
    assert tally.pages >= 15 and tally.gold >= 55
    for name, floor in FLOORS.items():
        assert measured[name] >= floor, (name, measured, report.misses)


def test_the_metric_is_the_gender_gap_trackers():
    assert overlap("We lost everything in one hour", "we lost everything") == 0.5
    assert overlap("a b c", "d e") == 0.0
    assert speaker_right({"speaker": "Chinedu Okafor"}, "Chinedu Okafor")
    assert not speaker_right({"speaker": "Chinedu Okafor"}, "Okafor")
    anonymous = {"speaker": "conseiller ministériel", "anonymous": True}
    assert speaker_right(anonymous, "un conseiller ministériel")
    assert speaker_right({"speaker": ["WHO", "World Health Organization"]}, "who")
