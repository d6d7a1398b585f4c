"""Issue 16, item 4: every option, output path and optional dependency is checked first."""

from __future__ import annotations

import importlib.util

import pytest
from typer.testing import CliRunner

from himcalc.cli.main import app, main_entry


@pytest.mark.parametrize("args,message", [
    (["--chart-file", "no-such-folder/x.svg"], "folder 'no-such-folder' does not exist"),
    (["--chart-file", "x.pdf"], "a chart file must end in .svg or .png"),
    (["--columns", "npvv"], "unknown column 'npvv'"),
])
@pytest.mark.parametrize("command", [["compare", "-f", "json"], ["show", "mha", "-f", "csv",
                                                                  "--education", "bachelor"]])
def test_bad_output_option_prints_nothing(capsys, tmp_path, monkeypatch, command, args, message):
    """A chart file that cannot be written or an unknown column: exit 2, stdout empty."""
    monkeypatch.chdir(tmp_path)
    assert main_entry([*command, *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_missing_matplotlib_is_said_first(capsys, tmp_path, monkeypatch):
    """Without matplotlib, --chart-file fails before the JSON, with an install hint that works
    from a clone."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "matplotlib" else real(name, *a))
    assert main_entry(["compare", "-f", "json", "--chart-file", str(tmp_path / "c.svg")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "pip install '.[chart]'" in err


def test_help_keeps_the_extra_name():
    """`compare --help` shows `himcalc[chart]` (rich markup would eat a bare `[chart]`)."""
    result = CliRunner().invoke(app, ["compare", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "himcalc[chart]" in result.stdout and ".[chart]" in result.stdout
