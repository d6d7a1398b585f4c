"""Repository-root pytest settings: which docstring examples `--doctest-modules` collects.

With himcalc imported from src/ (an editable install, as README says) the examples in
src/himcalc run with the tests. Next to a built, installed himcalc, importing src/ as well is
an import-path mismatch, so src/ is skipped here and `.ci/run` runs the installed package's
examples with `pytest --doctest-modules --pyargs himcalc`.
"""

from pathlib import Path

import himcalc

SRC = Path(__file__).resolve().parent / "src"
collect_ignore_glob = [] if SRC in Path(himcalc.__file__).resolve().parents else ["src/*"]
