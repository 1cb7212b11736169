"""X's weighted length against twitter-text's own conformance cases (tests/data/twitter_text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from automation.domain.captions import x_count

CASES = json.loads((Path(__file__).parents[1] / "data" / "twitter_text" / "validate_weighted.json").read_text("utf-8"))
# WeightedTweetsCounterTest is twitter-text's config v2 (no emoji parsing); the others are v3, X's today.
DISCOUNT_EMOJI = {
    "WeightedTweetsCounterTest": False,
    "WeightedTweetsWithDiscountedEmojiCounterTest": True,
    "UnicodeDirectionalMarkerCounterTest": True,
}
PARAMS = [
    pytest.param(section, case, id=f"{section}: {case['description']}")
    for section, cases in CASES["tests"].items()
    for case in cases
]


def test_every_section_is_covered():
    assert set(CASES["tests"]) == set(DISCOUNT_EMOJI)
    assert len(PARAMS) == 44


@pytest.mark.parametrize(("section", "case"), PARAMS)
def test_x_count_matches_twitter_text(section, case):
    count = x_count(case["text"], discount_emoji=DISCOUNT_EMOJI[section])
    expected = case["expected"]
    assert (count.weighted_length, count.valid, count.permillage) == (
        expected["weightedLength"],
        expected["valid"],
        expected["permillage"],
    )
