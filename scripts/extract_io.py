"""What the extraction scripts under scripts/ share: YAML quoting and the write-or-check step.

Imported by `build_oews.py` and `build_scorecard.py` as a sibling module (a script's folder is
first on `sys.path` when it runs); not part of the himcalc package.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def write_or_check(path: Path, text: str, check: bool) -> bool:
    """Write `text` to `path` (atomically) unless unchanged; True if it differed."""
    old = path.read_bytes() if path.exists() else None
    new = text.encode("utf-8")
    if old == new:
        return False
    if not check:
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(new)
        tmp.replace(path)
    print(f"{'would change' if check else 'wrote'}: {path}", file=sys.stderr)
    return True
