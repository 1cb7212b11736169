"""The lost-answer matrix of issue 11, with held-back answers as well as dropped ones.

    python bench/lost_answers.py                      # every case (a few minutes: held answers wait 2 s)
    python bench/lost_answers.py --faults drop_after  # only dropped answers (seconds)
    python bench/lost_answers.py --out results.json

Every platform, every call of its publish sequence whose answer can be lost, the post visible to the
platform's reads immediately, late (after the adapter stopped looking, then revealed) or never; then
publishing again with the same state. Counted: duplicate live posts, live posts reported as failed,
posts reported published with nothing live, exceptions out of publish(). Target: all 0.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.platform_fakes import TOKENS, MediaSite  # noqa: E402
from tests.platform_fakes.matrix import FAULTS, cases, run_case, sample_files, verdict  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faults", nargs="+", default=list(FAULTS), choices=list(FAULTS))
    parser.add_argument("--out", type=Path, default=Path("lost_answers.json"))
    args = parser.parse_args(argv)
    os.environ.update(TOKENS)
    logging.disable(logging.WARNING)  # the adapters' warnings for every lost answer would drown the table
    results = []
    with tempfile.TemporaryDirectory() as work, MediaSite(Path(work)) as site:
        files = sample_files(Path(work) / "media")
        for case in cases(tuple(args.faults)):
            result = run_case(case, site, files)
            defects = result.defects()
            results.append({"case": case.id, "live": result.live, "outcome": verdict(result.outcome),
                            "live_after_reveal": result.live_after_reveal,
                            "outcome_after_reveal": verdict(result.outcome_after_reveal), "defects": defects})
            print(f"{case.id:70s} {verdict(result.outcome):9s} -> {verdict(result.outcome_after_reveal):9s}"
                  f" live {result.live}/{result.live_after_reveal} {'DEFECT ' + '; '.join(defects) if defects else ''}")

    def count(words: str) -> int:
        return sum(any(words in d for d in r["defects"]) for r in results)

    summary = {"cases": len(results), "with_defects": sum(bool(r["defects"]) for r in results),
               "duplicate_live_posts": count("live posts"), "live_reported_failed": count("reported as failed"),
               "published_with_nothing_live": count("nothing live"), "exceptions": count("exception"),
               "first_outcomes": dict(Counter(r["outcome"] for r in results)),
               "outcomes_after_reveal": dict(Counter(r["outcome_after_reveal"] for r in results))}
    args.out.write_text(json.dumps({"summary": summary, "results": results}, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=1))
    return 1 if summary["with_defects"] else 0


if __name__ == "__main__":
    sys.exit(main())
