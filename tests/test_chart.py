"""Tests of the break-even charts, the tornado bar and the progress bar (himcalc.render.chart)."""

from __future__ import annotations

import doctest
import re
import sys
from pathlib import Path

import pytest

from himcalc.errors import UsageError
from himcalc.render import chart

SERIES = {
    "fast": [-30_000.0 + 12_000.0 * k for k in range(12)],  # crosses zero at the end of year 2
    "never": [-20_000.0 - 100.0 * k for k in range(12)],
}
PAYBACKS = {"fast": 3.5, "never": None}
ANSI = re.compile(r"\x1b\[")


def test_doctests():
    """The module's docstring examples (money labels, tornado bars) hold."""
    assert doctest.testmod(chart)[0] == 0


def test_terminal_chart_fits_the_given_size_and_names_break_even():
    """At 72 × 24 cells every line fits, and the legend gives each break-even or "never"."""
    text = chart.draw_terminal(SERIES, PAYBACKS, width=72, height=24, color=False)
    lines = text.splitlines()
    assert len(lines) <= 24
    assert max(len(line) for line in lines) <= 72
    assert "fast (break-even 3.5 y)" in text and "never (break-even never)" in text
    assert chart.BREAK_EVEN in text and "$0" in text  # the marker, and zero on an axis row
    assert not ANSI.search(text)


def test_terminal_chart_defaults_to_the_terminal_size(monkeypatch):
    """Without width/height the chart is sized from shutil.get_terminal_size."""
    monkeypatch.setattr(chart.shutil, "get_terminal_size", lambda fallback=None: (50, 20))
    lines = chart.draw_terminal(SERIES, PAYBACKS, color=False).splitlines()
    assert max(len(line) for line in lines) <= 50 and len(lines) <= 20


def test_colour_only_when_asked(monkeypatch):
    """color=True paints each series (ANSI codes); color=False uses marker characters."""
    monkeypatch.setenv("FORCE_COLOR", "1")  # plotille drops colour off a terminal otherwise
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = chart.draw_terminal(SERIES, PAYBACKS, 72, 24, color=True)
    assert ANSI.search(coloured)
    visible = re.sub(r"\x1b\[[0-9;]*m", "", coloured).splitlines()
    assert 60 <= max(len(line) for line in visible) <= 72  # colour codes take no width
    plain = chart.draw_terminal(SERIES, PAYBACKS, 72, 24, color=False)
    assert chart.MARKERS[0] in plain and chart.MARKERS[1] in plain


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".png", b"\x89PNG")])
def test_chart_file_is_written(tmp_path: Path, suffix, magic):
    """An .svg or .png file is written whole, with its format's signature."""
    pytest.importorskip("matplotlib")
    path = tmp_path / f"chart{suffix}"
    chart.write_chart_file(path, SERIES, PAYBACKS, "Break-even")
    assert path.read_bytes().startswith(magic)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_chart_file_refuses_other_suffixes(tmp_path: Path):
    """Only .svg and .png are supported; anything else is a one-line usage error."""
    with pytest.raises(UsageError, match=r"\.svg or \.png"):
        chart.write_chart_file(tmp_path / "chart.pdf", SERIES, PAYBACKS, "x")


def test_missing_matplotlib_is_a_clear_error(tmp_path: Path, monkeypatch):
    """Without matplotlib the error says how to install the `chart` extra."""
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(UsageError, match=r"himcalc\[chart\]"):
        chart.write_chart_file(tmp_path / "chart.svg", SERIES, PAYBACKS, "x")


def test_tornado_bar_is_centred_and_scaled():
    """The larger swing fills its half; a fall is drawn left of the centre, a rise right."""
    assert chart.tornado_bar(-10.0, 5.0, 10.0, width=4) == "░░░░|██  "
    assert chart.tornado_bar(3.0, -6.0, 6.0, width=2) == "██|░ "


def test_progress_is_silent_off_a_terminal(capsys):
    """Under a test runner stderr is not a terminal, so the callback prints nothing."""
    with chart.progress(100, "simulating", delay=0.0) as tick:
        tick(50)
        tick(100)
    assert capsys.readouterr().err == ""


def test_protected_chart_file_is_refused_before_any_output(tmp_path: Path, capsys):
    """A write-protected --chart-file is refused before the report is written (exit 1,
    stdout empty in a machine format), and the file is kept."""
    from himcalc.cli.main import main_entry

    target = tmp_path / "chart.svg"
    target.write_text("mine")
    target.chmod(0o444)
    assert main_entry(["compare", "--chart-file", str(target), "-f", "json"]) == 1
    assert capsys.readouterr().out == ""
    assert target.read_text() == "mine"
