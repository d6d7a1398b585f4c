"""The one rule for reading a number from text, shared by every reader (README, "Numbers").

A number is written in decimal: an optional sign, digits, an optional point and fraction, an
optional exponent — and, for a rate or a share, either a fraction (`0.18`) or a percentage
(`18%`). Everything else that some parser would turn into a number is refused with advice,
never read as a different number:

* a leading zero (`045000`: YAML 1.1 reads it as octal 18,944), `0x`/`0o`/`0b` prefixes and
  `_` separators;
* `a:b` (`1:30`: YAML 1.1 reads it as 90, base 60);
* a boolean (`yes`, `on`, `true`: never 1), `nan`, `inf`;
* more than `MAX_DIGITS` digits (a typo, and beyond Python's int-string limit at 4,300).

Nothing here imports pydantic, yaml or typer: the loader, the models and the CLI all use it.
"""

from __future__ import annotations

import math
import re

MAX_DIGITS = 40
"""Digits a number may have: no figure of himcalc's needs more; a longer one is a typo."""

_DECIMAL = re.compile(
    r"[+-]?(?:0|[1-9]\d*)(?:\.\d*)?(?:[eE][+-]?\d+)?|[+-]?\.\d+(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?(?:0|[1-9]\d*)")
_LEADING_ZERO = re.compile(r"[+-]?0\d")
_PREFIXED = re.compile(r"[+-]?0[xXoObB]")
_SEXAGESIMAL = re.compile(r"[+-]?\d[\d_]*(?::[0-5]?\d)+(?:\.\d*)?")


def number_problem(text: str) -> str | None:
    """Why `text` is not a number under the rule, or None when it is one.

    >>> number_problem("45000"), number_problem("-1.5e3"), number_problem("0.5")
    (None, None, None)
    >>> print(number_problem("045000").replace(": ", ":\\n"))
    '045000' has a leading zero (YAML 1.1 would read it as octal):
    remove the leading zero, or quote it if it is text
    >>> number_problem("1:30").split(" (")[0], number_problem("true")
    ("'1:30' is not a number", "'true' is not a number")
    """
    body = text.strip()
    if len(body) <= MAX_DIGITS and _DECIMAL.fullmatch(body):  # the common case, first
        return None
    shown = body if len(body) <= 30 else body[:27] + "..."
    if sum(c.isdigit() for c in body) > MAX_DIGITS:
        return f"'{shown}' has more than {MAX_DIGITS} digits: not a plausible figure"
    if _DECIMAL.fullmatch(body):
        return None
    if _LEADING_ZERO.match(body) and not _PREFIXED.match(body):
        return (f"'{shown}' has a leading zero (YAML 1.1 would read it as octal): remove the "
                "leading zero, or quote it if it is text")
    if _SEXAGESIMAL.fullmatch(body):
        return (f"'{shown}' is not a number (YAML 1.1 would read a:b as base 60, 1:30 as 90): "
                "write it in decimal, or quote it if it is text")
    if _PREFIXED.match(body) or "_" in body:
        return f"'{shown}' is not a plain decimal number: write it with digits only (no 0x, _)"
    if body.lower().lstrip("+-.") in ("nan", "inf", "infinity"):
        return f"must be a finite number, not {shown}"
    return f"'{shown}' is not a number"


def read_number(text: str) -> int | float:
    """`text` as an int (no point or exponent) or a float; ValueError says why not.

    >>> read_number("45000"), read_number(" 1.5e3 "), read_number("-0.25")
    (45000, 1500.0, -0.25)
    """
    problem = number_problem(text)
    if problem is not None:
        raise ValueError(problem)
    body = text.strip()
    return int(body) if _INTEGER.fullmatch(body) else float(body)


def boolean_problem(value: bool) -> str:
    """The message for a boolean where a number is expected (YAML reads yes/on as true)."""
    return (f"must be a number, not a boolean ({str(value).lower()}; YAML reads yes/no/on/off "
            "as booleans)")


def read_rate(value: object, share: bool = False) -> float:
    """A rate or share given as a fraction (`0.0639`, 0.0639) or a percentage (`6.39%`).

    A bare number of 1 or more is refused for a rate (`6.39` almost always means 6.39 %); a
    share (of a salary kept, a probability) may be 1 but not more. ValueError says why.

    >>> read_rate("6.39%"), read_rate("0.0639"), read_rate(0.5), read_rate("1", share=True)
    (0.0639, 0.0639, 0.5, 1.0)
    >>> read_rate("6.39")
    Traceback (most recent call last):
    ValueError: 6.39 looks like a percentage: did you mean 6.39%?
    """
    if isinstance(value, bool):
        raise ValueError(boolean_problem(value))
    if isinstance(value, int | float):
        number, percent = float(value), False
        shown = repr(value)
    elif isinstance(value, str):
        body = value.strip()
        percent = body.endswith("%")
        body = body[:-1].rstrip() if percent else body
        problem = number_problem(body)
        if problem is not None:
            hint = "" if percent else " (write 0.0639 or 6.39%)"
            raise ValueError(f"{problem}{hint}" if "leading zero" in problem or "digits" in problem
                             else f"'{value.strip()}' is not a rate: write 0.0639 or 6.39%")
        number, shown = float(body), body
    else:
        raise ValueError("must be a number (0.18) or a percentage ('18%')")
    if not math.isfinite(number):
        raise ValueError(f"must be a finite number, not {shown}")
    if percent:
        return round(number / 100, 12)
    if abs(number) > 1 or (abs(number) == 1 and not share):
        raise ValueError(f"{shown} looks like a percentage: did you mean {shown}%?")
    return number
