"""Issue 16, item 11: every command of the README's `sh` blocks runs, on files that exist."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP = ("pip ", "python -m pytest", "ruff ", "python -m typer", "python scripts/build_snapshot.py",
        "lint-imports", "mypy")
"""Set-up and development commands: installing, the suite itself, lint and the other static
checks (.ci/run runs them), docs regeneration (tests/test_docs.py checks that one), the
snapshot generator (tests/test_shipped.py checks what it writes)."""


def readme_commands() -> list[tuple[str, int]]:
    """(command, expected exit code) of every line of every ```sh block; a line may document
    another code with a trailing `# exit N`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = line.strip()
            if not line or line.startswith(SKIP):
                continue
            code = re.search(r"#\s*exit (\d+)\s*$", line)
            out.append((line, int(code.group(1)) if code else 0))
    return out


def test_the_readme_has_examples():
    """The parser finds the README's examples (a broken parser would pass every test below)."""
    commands = [c for c, _ in readme_commands()]
    assert len(commands) >= 15
    assert any("examples/cohort.jsonl" in c for c in commands)


@pytest.mark.parametrize(("command", "code"), readme_commands(), ids=lambda v: str(v)[:60])
def test_readme_command_runs(command, code, tmp_path):
    """The command exits with its documented code (0 unless the line says `# exit N`), run
    from a folder holding the shipped `examples/`."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               COLUMNS="80")
    env.pop("HIMCALC_DATA", None)
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == code, (command, result.stderr[-2000:])
