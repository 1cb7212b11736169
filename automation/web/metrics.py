"""/metrics in the Prometheus text format (version 0.0.4), and /healthz, from the journal.

Counters are the health totals (they only grow); gauges are read at each scrape. Metric and label names are
English identifiers, as Prometheus users expect; the HELP lines come from the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable

from automation.domain.texts import dasbor as dasbor_text
from automation.service.health import Health, read_health
from automation.web.workspace import Workspace

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
PREFIX = "sop_konten"


def metrics_text(ws: Workspace) -> str:
    now = ws.clock.now()
    health = read_health(ws.journal, now, ws.poll_seconds)
    states = ws.journal.states().values()
    open_items = [state for state in states if state.active]
    lines: list[str] = []
    _metric(lines, "cycles_total", "counter",
            [({}, health.totals.cycles)])
    _metric(lines, "cycles_failed_total", "counter",
            [({}, health.totals.failed_cycles)])
    _metric(lines, "cycle_seconds_total", "counter",
            [({}, health.totals.seconds)])
    _metric(lines, "last_cycle_seconds", "gauge",
            [({}, health.last.seconds if health.last else 0)])
    _metric(lines, "last_cycle_timestamp_seconds", "gauge",
            [({}, health.last_at.timestamp() if health.last_at else 0)])
    _metric(lines, "stale", "gauge",
            [({}, int(health.stale))])
    _metric(lines, "requests_total", "counter",
            [({"api": api}, count) for api, count in sorted(health.totals.requests.items())])
    _metric(lines, "effects", "gauge",
            [({"kind": kind, "result": status}, count)
             for (kind, status), count in sorted(health.effect_counts.items())])
    _metric(lines, "items_open", "gauge", [({}, len(open_items))])
    _metric(lines, "items_overdue", "gauge",
            [({}, sum(1 for state in open_items if state.overdue))])
    _metric(lines, "register_writes_waiting", "gauge",
            [({}, len(health.waiting_writes))])
    return "\n".join(lines) + "\n"


def health_of(ws: Workspace) -> Health:
    return read_health(ws.journal, ws.clock.now(), ws.poll_seconds)


def _metric(lines: list[str], name: str, kind: str, samples: Iterable[tuple[dict[str, str], float]]) -> None:
    full = f"{PREFIX}_{name}"
    lines.append(f"# HELP {full} {_escape_help(dasbor_text.METRICS_HELP[name])}")
    lines.append(f"# TYPE {full} {kind}")
    for labels, value in samples:
        labelled = ",".join(f'{key}="{_escape(text)}"' for key, text in labels.items())
        lines.append(f"{full}{{{labelled}}} {_number(value)}" if labelled else f"{full} {_number(value)}")


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
