"""Documentation stays true: docs/cli.md matches --help, every command has help, README commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer

from himcalc.cli.main import app

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current(tmp_path):
    """docs/cli.md is what `typer ... utils docs` generates now (regenerate it if this fails)."""
    out = tmp_path / "cli.md"
    subprocess.run(
        [sys.executable, "-m", "typer", "himcalc.cli.main", "utils", "docs", "--name", "himcalc",
         "--output", str(out)],
        check=True, capture_output=True,
    )
    assert out.read_text() == (ROOT / "docs" / "cli.md").read_text(), (
        "docs/cli.md is stale: python -m typer himcalc.cli.main utils docs --name himcalc "
        "--output docs/cli.md"
    )


def _commands(group: typer.Typer, prefix: str = ""):
    for info in group.registered_commands:
        yield prefix + (info.name or info.callback.__name__), info.callback
    for sub in group.registered_groups:
        yield from _commands(sub.typer_instance, prefix + sub.name + " ")


@pytest.mark.parametrize("name,callback", list(_commands(app)))
def test_every_command_has_help_with_example(name, callback):
    """Every command documents itself, with an example, so --help teaches by showing."""
    doc = callback.__doc__ or ""
    assert doc.strip(), name
    assert "Example" in doc or "example" in doc, name


def test_readme_gives_the_two_setup_commands():
    """README's set-up section has the install-and-run and the install-and-test commands."""
    text = (ROOT / "README.md").read_text()
    assert "pip install . && himcalc compare" in text
    assert "pip install '.[test]' && python -m pytest" in text
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text()


def test_version_fast_path(capsys, monkeypatch):
    """`himcalc --version` answers before the CLI is imported, with the package version."""
    from himcalc import __version__
    from himcalc.cli import run

    monkeypatch.setattr(sys, "argv", ["himcalc", "--version"])
    run()
    assert capsys.readouterr().out == f"himcalc {__version__}\n"


def _params():
    command = typer.main.get_command(app)

    def walk(cmd, path):
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                yield from walk(sub, [*path, name])
        else:
            for param in cmd.params:
                if param.name != "help":
                    yield " ".join(path), param

    return list(walk(command, ["himcalc"]))


@pytest.mark.parametrize("where,param", _params(), ids=lambda v: getattr(v, "name", v))
def test_every_option_has_help_with_example(where, param):
    """Every option and argument explains itself with an example (README and --help promise it)."""
    text = getattr(param, "help", None) or ""
    assert "Example" in text, f"{where} {param.name}: {text!r}"
