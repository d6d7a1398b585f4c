"""JSON, CSV and TSV: raw numbers, `null`/empty for "never", stable key order, never NaN.

CSV and TSV text cells that begin with `=`, `+`, `-`, `@`, a tab or a carriage return get a
leading `'` so that a spreadsheet shows them instead of running them (OWASP's rule for CSV
injection); numbers are written as numbers, untouched.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

_PLAIN = (str, int, bool, type(None))


def clean(value: Any) -> Any:
    """Make a value JSON-safe: enums to their value, non-finite floats refused loudly."""
    if type(value) in _PLAIN:
        return value
    if type(value) is float:
        if not math.isfinite(value):
            raise ValueError(f"refusing to write a non-finite number ({value})")
        return value
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"refusing to write a non-finite number ({value})")
    if hasattr(value, "value") and not isinstance(value, int | float | str):
        return value.value
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def to_json(data: Any) -> str:
    """Indented JSON with a trailing newline; NaN or infinity raise instead of printing."""
    return json.dumps(clean(data), indent=2, allow_nan=False, ensure_ascii=False) + "\n"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as a formula at the start of a cell (OWASP, "CSV Injection")."""


def _cell(value: Any) -> Any:
    value = clean(value)
    if isinstance(value, str):
        # A text cell that a spreadsheet would run as a formula (an input id such as
        # "=HYPERLINK(…)") gets a leading apostrophe; numbers are never text here, so untouched.
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same number
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    return value


def to_delimited(rows: Iterable[dict], keys: Sequence[str], delimiter: str = ",") -> str:
    """A header row of `keys`, then one line per row; empty cell for null."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        writer.writerow([_cell(row.get(k)) for k in keys])
    return out.getvalue()
