"""Run mypy on src/ and compare its errors with .ci/mypy-baseline.txt (issue 14 §5).

The baseline lists the errors mypy reported when it joined CI, without line numbers (so an
edit above an error does not move it). CI fails on an error that is not in the baseline, and
on a baseline entry that no longer occurs (shrink the file: `python .ci/mypy_baseline.py
--update`), so the count only goes down.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
ERROR = re.compile(r"^(?P<path>[^:]+):\d+(?::\d+)?: error: (?P<rest>.*)$")


def current() -> Counter[str]:
    """mypy's errors on src/ as `path: message [code]`, counted."""
    out = subprocess.run([sys.executable, "-m", "mypy", "--no-pretty", "--no-error-summary"],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode not in (0, 1):
        sys.exit(f"mypy failed to run:\n{out.stdout}{out.stderr}")
    return Counter(f"{m['path']}: {m['rest']}" for line in out.stdout.splitlines()
                   if (m := ERROR.match(line)))


def main() -> int:
    found = current()
    if sys.argv[1:] == ["--update"]:
        BASELINE.write_text("".join(f"{e}\n" for e in sorted(found.elements())))
        print(f"mypy baseline: {sum(found.values())} errors written to {BASELINE.name}")
        return 0
    lines = BASELINE.read_text().splitlines() if BASELINE.exists() else []
    known = Counter(line for line in lines if line.strip())
    new, gone = found - known, known - found
    for e in sorted(new.elements()):
        print(f"new mypy error: {e}")
    for e in sorted(gone.elements()):
        print(f"fixed, remove from {BASELINE.name}: {e}")
    print(f"mypy: {sum(found.values())} errors, baseline {sum(known.values())}")
    return 1 if new or gone else 0


if __name__ == "__main__":
    sys.exit(main())
