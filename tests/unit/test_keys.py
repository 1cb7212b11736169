"""Idempotency keys: one type, and the text the journal stores never changes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from automation.domain.keys import EffectKey, KeyKind, digest_key, is_digest_key, key_kind

STORED = [  # keys as journals written by earlier versions hold them
    "K-2026-0007/6/1/publish:Instagram",
    "K-2026-0007/1/1/created",
    "K-2026-0007/3/2/transition",
    "K-2026-0007/3/2/undo:4:Status Desain",
    "K-2026-0007/3/1/reassign:2:Sari Wulandari",
    "K-2026-0007/0/0/claim:poster.png#1700000000",
    "K-2026-0007/0/0/intake",
    "K-2026-0007/2/1/place:02 Desain/Proses",
    "K-2026-0007/7/1/rejected:",
    "token/Instagram/2026-12-01/token:andi@ikp.example",
]


@pytest.mark.parametrize("text", STORED)
def test_a_stored_key_reads_back_to_the_same_text(text):
    assert str(EffectKey.parse(text)) == text


def test_the_parts_of_a_key():
    key = EffectKey.parse("K-2026-0007/6/1/publish:Instagram")
    assert key == EffectKey("K-2026-0007", 6, 1, KeyKind.PUBLISH, "Instagram")
    assert key.is_a(KeyKind.PUBLISH) and not key.is_a(KeyKind.TRANSITION)
    assert EffectKey.parse("K-2026-0007/3/2/undo:4:Status").target == "4:Status"
    assert str(EffectKey.token_warning("X", "2026-12-01", "a@b")) == "token/X/2026-12-01/token:a@b"


def test_text_that_is_not_a_key():
    for text in ("something", "K-1/2/task:sari", "digest/sari@ikp.example/2026-11-30"):
        with pytest.raises(ValueError):
            EffectKey.parse(text)
        assert key_kind(text) == ""
    assert is_digest_key(digest_key("sari@ikp.example", "2026-11-30"))


@given(st.builds(EffectKey, st.from_regex(r"K-\d{4}-\d{4}", fullmatch=True), st.integers(0, 99),
                 st.integers(0, 99), st.sampled_from(list(KeyKind)),
                 st.none() | st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)))
def test_every_key_survives_its_text(key):
    assert EffectKey.parse(str(key)) == key
