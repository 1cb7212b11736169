"""Numbers as the report writes them; shared by the workbook and the chart."""

from __future__ import annotations


def format_minutes(value: float | None) -> str:
    """Indonesian number: one decimal at most, decimal comma (8,5), no trailing ',0'."""
    if value is None:
        return "-"
    rounded = round(value, 1)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.1f}".replace(".", ",")
