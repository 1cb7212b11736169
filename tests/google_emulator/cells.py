"""One cell: what was entered, what it is worth, and how each render option shows it.

USER_ENTERED values "will be parsed as if the user typed them into the UI ... following the same rules
that are applied when entering text into a cell via the Google Sheets UI"
(https://developers.google.com/sheets/api/reference/rest/v4/ValueInputOption). Two things the UI does
follow from that and are reproduced here:

- the spreadsheet's ``locale`` decides the separators and the date order ("FORMATTED_VALUE ... formatting
  is based on the spreadsheet's locale", https://developers.google.com/sheets/api/reference/rest/v4/ValueRenderOption;
  ``SpreadsheetProperties.locale``, https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets#SpreadsheetProperties).
  en_US: ``2,000,000.01``, ``1/2/2020`` = 2 January; id_ID: ``2.000.000,01``, ``1/2/2020`` = 1 February.
  Other locales are read as en_US. The ``timeZone`` does not change what is stored: date-times are serial
  numbers of the spreadsheet's own wall clock; it matters only to NOW()/TODAY(), which are not evaluated.
- a cell formatted as plain text (``numberFormat.type`` TEXT, "Text formatting",
  https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/cells#NumberFormatType) keeps what
  is typed as text: ``0812345678`` keeps its 0, ``2026-12-01 10:00`` stays text, ``=1+1`` is not a formula
  (Format > Number > Plain text, https://support.google.com/docs/answer/56470). JSON numbers and booleans
  stay numbers and booleans ("Numbers will stay as numbers").

Parsed otherwise: numbers (``12``, ``-1.5``, grouped, ``1e3``), percentages (``50%``), booleans
(``TRUE``/``FALSE``), ISO dates/date-times (``2020-01-01``, ``2020-01-01 10:30[:00]``), short dates in the
locale's order, a leading apostrophe forcing text, and formulas. Formulas are stored as typed; only plain
arithmetic (numbers, ``+ - * / ^``, parentheses) is evaluated. Any other formula is NOT evaluated: its value
is the formula text.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import operator
import re
import struct
from dataclasses import dataclass, field
from typing import Any

EPOCH = dt.datetime(1899, 12, 30)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_SHORT_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
DEFAULT_LOCALE = "en_US"


@dataclass(frozen=True)
class Locale:
    decimal: str
    group: str
    day_first: bool
    date_pattern: str  # the pattern a typed short date gets

    def number(self) -> re.Pattern[str]:
        g, d = re.escape(self.group), re.escape(self.decimal)
        return re.compile(rf"[+-]?(\d{{1,3}}({g}\d{{3}})+|\d+)?({d}\d+)?([eE][+-]?\d+)?")

    def to_float(self, text: str) -> float:
        return float(text.replace(self.group, "").replace(self.decimal, "."))

    def localized(self, text: str) -> str:
        """``1,234.5`` (Python's rendering) in this locale's separators."""
        return text.translate(str.maketrans({",": self.group, ".": self.decimal}))


LOCALES = {
    "en_US": Locale(decimal=".", group=",", day_first=False, date_pattern="M/d/yyyy"),
    "id_ID": Locale(decimal=",", group=".", day_first=True, date_pattern="dd/MM/yyyy"),
}


def locale_rules(code: str | None) -> Locale:
    code = (code or DEFAULT_LOCALE).replace("-", "_")
    if code in LOCALES:
        return LOCALES[code]
    language = code.split("_")[0]
    return next((rules for name, rules in LOCALES.items() if name.split("_")[0] == language), LOCALES[DEFAULT_LOCALE])


def is_text_formatted(cell: Cell) -> bool:
    return bool(cell.fmt) and (cell.fmt.get("numberFormat") or {}).get("type") == "TEXT"


@dataclass
class Cell:
    """``value`` is the effective value: str, float, bool, or None (empty)."""

    value: Any = None
    formula: str | None = None
    number_format: str | None = None  # e.g. "yyyy-mm-dd", "#,##0.00", "0%"
    note: str | None = None
    fmt: dict | None = None  # userEnteredFormat, stored loosely
    validation: dict | None = None
    extra: dict = field(default_factory=dict)

    def has_value(self) -> bool:
        return self.value is not None or self.formula is not None

    def is_blank(self) -> bool:
        return not self.has_value() and not self.note and not self.fmt and not self.validation

    def clear_value(self) -> None:
        self.value = None
        self.formula = None
        self.number_format = None

    def copy(self) -> Cell:
        return Cell(self.value, self.formula, self.number_format, self.note,
                    dict(self.fmt) if self.fmt else None,
                    dict(self.validation) if self.validation else None, dict(self.extra))


# --- entering values ----------------------------------------------------------------------------

def enter(cell: Cell, raw: Any, user_entered: bool, locale: str = DEFAULT_LOCALE) -> None:
    """Store a JSON value as the API would for valueInputOption RAW / USER_ENTERED."""
    cell.formula = None
    cell.number_format = None
    if raw is None or raw == "":
        cell.value = None
        return
    if isinstance(raw, bool):
        cell.value = raw
        return
    if isinstance(raw, int | float):
        cell.value = float(raw)
        return
    text = str(raw)
    if not user_entered:
        cell.value = text
        return
    if text.startswith("'"):
        cell.value = text[1:] or None
        return
    if is_text_formatted(cell):
        cell.value = text
        return
    if text.startswith("=") and len(text) > 1:
        cell.formula = text
        cell.value = evaluate(text)
        return
    parsed = parse_typed(text, locale)
    if parsed is None:
        cell.value = text
    else:
        cell.value, cell.number_format = parsed


def parse_typed(text: str, locale: str = DEFAULT_LOCALE) -> tuple[Any, str | None] | None:
    rules = locale_rules(locale)
    number = rules.number()
    s = text.strip()
    if not s:
        return None
    upper = s.upper()
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE", None
    if s.endswith("%"):
        body = s[:-1].strip()
        m = number.fullmatch(body)
        if m and any(ch.isdigit() for ch in body):
            decimals = len(m.group(3)) - 1 if m.group(3) else 0
            return rules.to_float(body) / 100, "0" + ("." + "0" * decimals if decimals else "") + "%"
        return None
    m = number.fullmatch(s)
    if m and any(ch.isdigit() for ch in s):
        value = rules.to_float(s)
        if m.group(2):  # thousands separators typed
            decimals = len(m.group(3)) - 1 if m.group(3) else 0
            return value, "#,##0" + ("." + "0" * decimals if decimals else "")
        return value, None
    m = _ISO_DATE.fullmatch(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        try:
            when = dt.datetime(y, mo, d, int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0))
        except ValueError:
            return None
        pattern = "yyyy-mm-dd" if m.group(4) is None else "yyyy-mm-dd h:mm:ss"
        return to_serial(when), pattern
    m = _SHORT_DATE.fullmatch(s)
    if m:
        first, second = int(m.group(1)), int(m.group(2))
        day, month = (first, second) if rules.day_first else (second, first)
        try:
            when = dt.datetime(int(m.group(3)), month, day)
        except ValueError:
            return None
        return to_serial(when), rules.date_pattern
    return None


def to_serial(when: dt.datetime) -> float:
    delta = when - EPOCH
    return delta.days + delta.seconds / 86400


def from_serial(serial: float) -> dt.datetime:
    return EPOCH + dt.timedelta(days=serial)


# --- formulas -----------------------------------------------------------------------------------

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv, ast.Pow: operator.pow}


def evaluate(formula: str) -> Any:
    """Evaluate plain arithmetic; anything else keeps the formula text as its value."""
    expr = formula[1:].strip().replace("^", "**")
    try:
        tree = ast.parse(expr, mode="eval")
        return float(_eval(tree.body))
    except ZeroDivisionError:
        return "#DIV/0!"
    except Exception:
        return formula


def _eval(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left), _eval(node.right))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _eval(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    raise ValueError("unsupported formula")


# --- rendering ----------------------------------------------------------------------------------

def json_number(value: float) -> int | float:
    if math.isfinite(value) and value == int(value) and abs(value) < 2**53:
        return int(value)
    return value


def is_date_format(pattern: str | None) -> bool:
    return bool(pattern) and any(tok in pattern for tok in ("yy", "M/d", "h:mm"))


def render(cell: Cell | None, value_option: str = "FORMATTED_VALUE",
           date_option: str = "SERIAL_NUMBER", locale: str = DEFAULT_LOCALE) -> Any:
    """The value of a cell for values.get; ``None`` for an empty cell."""
    if cell is None or not cell.has_value():
        return None
    if value_option == "FORMULA" and cell.formula:
        return cell.formula
    value = cell.value
    if value_option == "FORMATTED_VALUE":
        return formatted(cell, locale)
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if is_date_format(cell.number_format) and date_option == "FORMATTED_STRING":
        return formatted(cell, locale)
    return json_number(value)


def formatted(cell: Cell, locale: str = DEFAULT_LOCALE) -> str:
    rules = locale_rules(locale)
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    pattern = cell.number_format
    if is_date_format(pattern):
        return format_date(value, pattern)
    if pattern and pattern.endswith("%"):
        decimals = len(pattern.split(".")[1]) - 1 if "." in pattern else 0
        return rules.localized(f"{value * 100:.{decimals}f}%")
    if pattern and pattern.startswith("#,##0"):
        decimals = len(pattern.split(".")[1]) if "." in pattern else 0
        return rules.localized(f"{value:,.{decimals}f}")
    return rules.localized(general_number(value))


def general_number(value: float) -> str:
    """Sheets' automatic number format: up to 10 significant digits, E notation when tiny/huge."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.10g}"
    if "e" in text:
        mantissa, exp = f"{value:.5E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}E{exp[0]}{exp[1:].zfill(2)}"
    return text


def format_date(serial: float, pattern: str) -> str:
    when = from_serial(serial)
    when = dt.datetime(when.year, when.month, when.day, when.hour, when.minute,
                       round(when.second + when.microsecond / 1e6) % 60)
    if pattern == "M/d/yyyy":
        return f"{when.month}/{when.day}/{when.year}"
    if pattern == "dd/MM/yyyy":
        return f"{when:%d/%m/%Y}"
    if "h:mm" in pattern:
        return f"{when:%Y-%m-%d} {when.hour}:{when:%M:%S}"
    return f"{when:%Y-%m-%d}"


# --- grid-data JSON (spreadsheets.get with grid data) ------------------------------------------

def extended_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": json_number(value)}
    if isinstance(value, str) and value.startswith("#") and value.endswith(("!", "?", "A")):
        return {"errorValue": {"type": "ERROR", "message": value}}
    return {"stringValue": str(value)}


def cell_data(cell: Cell, locale: str = DEFAULT_LOCALE) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if cell.has_value():
        data["userEnteredValue"] = ({"formulaValue": cell.formula} if cell.formula
                                    else extended_value(cell.value))
        data["effectiveValue"] = extended_value(cell.value)
        data["formattedValue"] = formatted(cell, locale)
    if cell.fmt:
        data["userEnteredFormat"] = cell.fmt
    if cell.note:
        data["note"] = cell.note
    if cell.validation:
        data["dataValidation"] = cell.validation
    return data


def enter_extended(cell: Cell, value: dict[str, Any]) -> None:
    """Apply an ExtendedValue (updateCells userEnteredValue)."""
    if "formulaValue" in value:
        enter(cell, value["formulaValue"], user_entered=True)
    elif "numberValue" in value:
        enter(cell, float(value["numberValue"]), user_entered=False)
    elif "boolValue" in value:
        enter(cell, bool(value["boolValue"]), user_entered=False)
    elif "stringValue" in value:
        enter(cell, value["stringValue"], user_entered=False)
    else:
        cell.clear_value()


# --- colours ------------------------------------------------------------------------------------

def float32(value: float) -> float:
    """A float as Google prints a proto float32 (shortest text that round-trips)."""
    f32 = struct.unpack("f", struct.pack("f", value))[0]
    for digits in range(1, 10):
        candidate = float(f"{f32:.{digits}g}")
        if struct.unpack("f", struct.pack("f", candidate))[0] == f32:
            return candidate
    return f32


def quantize_color(color: dict[str, Any]) -> dict[str, Any]:
    """Colours are stored with 8 bits per channel; zero channels are omitted (proto3)."""
    out: dict[str, Any] = {}
    for key in ("red", "green", "blue", "alpha"):
        if key not in color or color[key] in (None, 0):
            continue
        level = int(float(color[key]) * 255 + 1e-9) / 255 if key != "alpha" else float(color[key])
        value = float32(level)
        out[key] = json_number(value)
    return out
