"""Documentation stays true: docs/cli.md matches --help, every command has help, README commands."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from himcalc.cli.main import COMMAND_MODULES, app

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


def _commands():
    """Every leaf command of the click tree (sub-commands are loaded on demand, so the typer
    app's own registry does not list them)."""

    def walk(cmd, path):
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                yield from walk(sub, [*path, name])
        else:
            yield " ".join(path), cmd

    return list(walk(typer.main.get_command(app), []))


def test_every_command_module_is_listed():
    """Every command is reachable, in --help order (a command whose module is missing from
    `COMMAND_MODULES` would silently vanish from the CLI)."""
    names = [name for name, _ in _commands()]
    assert names == ["compare", "show", "programs", "simulate", "sensitivity", "batch", "loan",
                     "data list", "data show", "data validate", "data schema", "data sources"]


def test_each_command_module_defines_exactly_its_commands():
    """`COMMAND_MODULES` names every command each module registers, and no other: a command
    missing from it could not be invoked before its module happened to be loaded."""
    for module in set(COMMAND_MODULES.values()):
        sub = typer.Typer()
        importlib.import_module(module).register(sub)
        defined = set(typer.main.get_group(sub).commands)
        assert defined == {n for n, m in COMMAND_MODULES.items() if m == module}, module


def test_a_command_loads_only_its_own_module():
    """`himcalc compare` imports no other command's module (that is the start-up time the
    on-demand commands save), and a typo is still matched against every command."""
    code = ("import sys; from himcalc.cli.main import main_entry; main_entry(['compare', '-f', "
            "'json']); print(sorted(m for m in sys.modules if m.startswith('himcalc.cli.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()[-1]
    assert "himcalc.cli.reports" in out
    for other in ("risk", "batch", "loan", "data", "programs", "places"):
        assert f"himcalc.cli.{other}'" not in out
    result = CliRunner().invoke(app, ["compair"])
    assert result.exit_code == 2
    assert "Did you mean 'compare'?" in result.output


@pytest.mark.parametrize("name,command", _commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_help_with_example(name, command):
    """Every command documents itself, with an example, so --help teaches by showing."""
    doc = command.help or ""
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


def test_help_lists_the_commands_own_summaries(capsys, monkeypatch):
    """`himcalc --help` lists each command by its summary in `COMMAND_SUMMARIES` without
    building it; the listing is byte for byte the one the built commands give, and it names
    every command in `COMMAND_MODULES`."""
    from himcalc.cli import main as cli_main

    assert list(cli_main.COMMAND_SUMMARIES) == list(COMMAND_MODULES)
    monkeypatch.setenv("COLUMNS", "200")
    assert cli_main.main_entry(["--help"]) == 0
    listed = capsys.readouterr().out
    monkeypatch.setattr(cli_main, "COMMAND_SUMMARIES", {})
    assert cli_main.main_entry(["--help"]) == 0
    built = capsys.readouterr().out
    assert listed == built
    for name, summary in cli_main.COMMAND_SUMMARIES.items():
        assert f" {name} " in listed and summary.split(",")[0] in listed


def test_help_builds_no_command():
    """`himcalc --help` imports no command module (its listing needs only the summaries)."""
    code = ("import sys; from himcalc.cli.main import main_entry; main_entry(['--help']); "
            "print(sorted(m for m in sys.modules if m.startswith('himcalc.cli.') and m not in "
            "('himcalc.cli.main', 'himcalc.cli.common')), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stderr.strip() == "[]"


def test_shell_completion_is_available():
    """`--show-completion` prints a completion script for the shell named (issue 16 §10)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", "from himcalc.cli import run; run()",
                             "--show-completion", "bash"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "_himcalc_completion" in result.stdout or "complete" in result.stdout
