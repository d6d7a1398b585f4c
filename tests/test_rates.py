"""Tests of `parse_rate`, the one parser behind every rate option (`--rate`, `--loan-rate` …).

The contract: a fraction (`0.0639`) or a percentage (`6.39%`) is accepted and returned as a
fraction; a bare number of 1 or more is refused, because `6.39` almost always means 6.39 %
and reading it as 639 % would silently wreck every figure downstream.
"""

from __future__ import annotations

import pytest
import typer

from himcalc.cli.options import parse_rate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.0639", 0.0639),
        ("6.39%", 0.0639),
        (" 6.39 % ", 0.0639),
        ("6.52%", 0.0652),
        ("0", 0.0),
        ("0%", 0.0),
        ("0.0", 0.0),
        (".5", 0.5),
        ("0.999", 0.999),
        ("12.5%", 0.125),
        ("100%", 1.0),
        ("150%", 1.5),
        ("+3%", 0.03),
        ("-0.5%", -0.005),
        ("-0.02", -0.02),
    ],
)
def test_parse_rate_accepts(text: str, expected: float) -> None:
    """Fractions below 1 pass through and percentages are divided by 100 (6.39% is 0.0639)."""
    assert parse_rate(text) == pytest.approx(expected, abs=1e-15)


def test_parse_rate_percent_has_no_float_noise() -> None:
    """6.39% gives exactly the float 0.0639, not 0.06390000000000001, so JSON output is clean."""
    assert parse_rate("6.39%") == 0.0639
    assert parse_rate("7.94%") == 0.0794


def test_parse_rate_passes_floats_through() -> None:
    """An already-parsed float (a typer default) is returned unchanged, not re-validated."""
    assert parse_rate(0.05) == 0.05  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("6.39", "did you mean 6.39%?"),
        ("1", "did you mean 1%?"),
        ("1.0", "did you mean 1.0%?"),
        ("12", "did you mean 12%?"),
        ("-2", "did you mean -2%?"),
        ("abc", "is not a rate"),
        ("", "is not a rate"),
        ("%", "is not a rate"),
        ("6.39%%", "is not a rate"),
        ("6,39%", "is not a rate"),
        ("nan", "is not a rate"),
        ("inf", "is not a rate"),
        ("0.05 0.06", "is not a rate"),
    ],
)
def test_parse_rate_refuses(text: str, message: str) -> None:
    """A bare number >= 1 gets the 'did you mean N%?' hint; anything else is 'not a rate'."""
    with pytest.raises(typer.BadParameter, match=message.replace("?", r"\?")):
        parse_rate(text)
