"""Start-up: a cycle on a new local workspace loads only what it uses."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.people import make_workspace

# Libraries a cycle that reads an unchanged local register and publishes nothing does not need.
NOT_NEEDED = ("openpyxl", "numpy", "PIL", "av", "twitter_text", "requests", "googleapiclient", "gspread",
              "google.auth", "apprise")

PROBE = """
import json, sys
from automation.commands.cli import main
code = main(["once", "--config", sys.argv[1]])
print(json.dumps({"code": code, "loaded": [m for m in sys.argv[2:] if m in sys.modules],
                  "countries": sorted(m for m in sys.modules if m.startswith("holidays.countries."))}))
"""


@pytest.mark.slow
def test_a_cycle_on_a_new_local_workspace_loads_one_holiday_calendar_and_no_heavy_library(tmp_path):
    workspace = make_workspace(tmp_path)
    env = {**os.environ, "SOP_KONTEN_FIXED_TIME": "2026-03-10T10:00"}
    done = subprocess.run([sys.executable, "-c", PROBE, str(workspace.config), *NOT_NEEDED],
                          capture_output=True, text=True, env=env, timeout=120, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["code"] == 0
    assert found["loaded"] == []
    assert found["countries"] == ["holidays.countries.indonesia"]
