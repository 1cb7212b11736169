"""Every platform, every call whose answer can be lost, the post visible immediately, late or never.

The target of issue 11: 0 duplicate live posts, 0 live posts reported as not live, no exception out of
`publish()` (tests/platform_fakes/matrix.py says how each case is run and judged). Dropped answers run
here; held-back answers (the client's timeout) run in bench/lost_answers.py and in the slow lane.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from automation.ports import MediaFile
from tests.platform_fakes import TOKENS, MediaSite
from tests.platform_fakes.matrix import Case, cases, run_case, sample_files


@pytest.fixture(autouse=True)
def tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MediaSite]:
    with MediaSite(tmp_path_factory.mktemp("site")) as running:
        yield running


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, MediaFile]:
    return sample_files(Path(tmp_path_factory.mktemp("media")))


DROPPED = cases(("drop_after",))
HELD = cases(("delay_after",))


@pytest.mark.parametrize("case", DROPPED, ids=[c.id for c in DROPPED])
def test_a_dropped_answer_never_posts_twice_nor_hides_a_live_post(case: Case, site: MediaSite,
                                                                   files: dict[str, MediaFile]) -> None:
    result = run_case(case, site, files)
    assert result.defects() == [], result


@pytest.mark.slow
@pytest.mark.parametrize("case", HELD, ids=[c.id for c in HELD])
def test_an_answer_held_past_the_timeout_never_posts_twice_nor_hides_a_live_post(
        case: Case, site: MediaSite, files: dict[str, MediaFile]) -> None:
    result = run_case(case, site, files)
    assert result.defects() == [], result


def test_the_matrix_covers_every_platform_and_kind() -> None:
    platforms = {c.platform for c in DROPPED}
    assert platforms == {"Instagram", "Facebook", "X", "YouTube", "TikTok"}
    kinds = {(c.platform, c.kind) for c in DROPPED}
    assert {("Instagram", "video"), ("Facebook", "video"), ("X", "text"), ("YouTube", "video"),
            ("TikTok", "video")} <= kinds
