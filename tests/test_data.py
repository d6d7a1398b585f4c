"""The shipped datasets, the models' checks, the loader's errors, and the `data` commands."""

from __future__ import annotations

import csv
import io
import json
import textwrap

import pytest
from typer.testing import CliRunner

from himcalc import loader
from himcalc.cli.main import app, main_entry
from himcalc.errors import DatasetError
from himcalc.models.dataset import RECORD_TYPES, Datasets

runner = CliRunner()

GOOD_SOURCE = "{title: Local survey, url: 'https://example.org/s', year: 2025}"


def problems_of(tmp_path, text: str):
    path = tmp_path / "case.yaml"
    path.write_text(textwrap.dedent(text))
    data, _ = loader.collect(loader.shipped_files())
    _, problems = loader.collect(loader.user_files(path), into=data)
    return problems or data.cross_reference_problems()


def test_shipped_data_validates():
    """Every shipped file loads with no problem and every reference resolves."""
    data, problems = loader.collect(loader.shipped_files())
    assert problems == []
    assert data.cross_reference_problems() == []
    for name in ("pathways", "tuition", "occupations", "career_tracks", "earnings",
                 "loan_rates", "loan_limits", "repayment_plans", "parameters"):
        assert data.get(name), name


def test_every_shipped_record_has_a_source():
    """The model makes `source` mandatory, so every record carries a title, URL and year."""
    data = loader.load()
    for name, records in data.records.items():
        for rec in records.values():
            assert rec.source.title and rec.source.url and rec.source.year, (name, rec.id)


def test_required_pathways_shipped():
    """The issue's six pathways ship, each with duration, exam (but MHA) and requirements."""
    pathways = loader.load().get("pathways")
    assert set(pathways) == {"coding-certificate", "associate-hit", "bachelor-him",
                             "bachelor-completion", "ms-hiim", "mha"}
    assert pathways["associate-hit"].accelerated_duration_months == 20
    assert pathways["bachelor-him"].accelerated_duration_months == 36


def test_bls_percentiles_as_published():
    """Occupation wages are the BLS OEWS May 2025 national figures, all five percentiles."""
    # BLS OEWS May 2025, national, 29-2072 (https://www.bls.gov/oes/): annual p10..p90.
    occ = loader.load().get("occupations")
    assert occ["medical-records-specialists"].annual_wages.known() == [
        (10, 37000), (25, 43490), (50, 51140), (75, 64820), (90, 81150)]
    assert occ["health-information-technologists"].annual_wages.p90 == 117420
    assert occ["medical-and-health-services-managers"].annual_wages.p10 == 73390


@pytest.mark.parametrize(
    "text,needle,line",
    [
        (f"""
         occupations:
           - id: medical-records-specialists
             soc: "29-2072"
             name: Medical Records Specialists
             wage_year: 2024
             annual_wages: {{p10: 60000, p50: 50250, p90: 80950}}
             source: {GOOD_SOURCE}
         """, "must not decrease", 7),
        (f"""
         tuition:
           - id: my-school
             tier: two_year
             institution: public_in_state
             academic_year: 2025
             tuition_and_fees_per_year: -5
             source: {GOOD_SOURCE}
         """, "greater than or equal to 0", 7),
        ("""
         tuition:
           - id: my-school
             tier: two_year
             institution: public_in_state
             academic_year: 2025
             tuition_and_fees_per_year: 5000
         """, "required field is missing", 3),
        (f"""
         career_tracks:
           - id: coder
             stages: [{{from_year: 0, occupation: astronaut}}]
             source: {GOOD_SOURCE}
         """, "unknown occupation 'astronaut'", 3),
        (f"""
         pathways:
           - id: x
             name: X programme
             credential_level: diploma
             awards_education: associate
             tuition_tier: two_year
             duration_months: 12
             requires_education: [high_school]
             career_track: coder
             source: {GOOD_SOURCE}
         """, "credential_level", 5),
        (f"""
         earnings:
           - id: high_school
             education: high_school
             weekly_median: 930
             figure_year: 2024
             colour: blue
             source: {GOOD_SOURCE}
         """, "unknown field", 7),
        ("""
         roles:
           - id: a
             id: b
         """, "duplicate key 'id'", 4),
        ("[1, 2, 3]\n", "found a list", 1),
    ],
)
def test_validate_names_where(tmp_path, text, needle, line):
    """Each kind of bad record is refused with a message naming the file, record, field, line."""
    problems = problems_of(tmp_path, text)
    assert problems, "expected a problem"
    assert needle in problems[0].message or needle in str(problems[0])
    assert problems[0].file.endswith("case.yaml")
    assert problems[0].line == line


def test_user_data_overrides_by_id(tmp_path):
    """A --data file replaces the shipped record with the same id and adds new ones."""
    (tmp_path / "mine.yaml").write_text(textwrap.dedent(f"""
        tuition:
          - id: two_year-public_in_state
            tier: two_year
            institution: public_in_state
            academic_year: 2026
            tuition_and_fees_per_year: 9999
            source: {GOOD_SOURCE}
    """))
    data = loader.load(tmp_path)
    assert data.get("tuition")["two_year-public_in_state"].tuition_and_fees_per_year == 9999
    assert len(data.get("tuition")) == len(loader.load().get("tuition"))


def test_load_raises_one_located_error(tmp_path):
    """`load` turns all problems into one DatasetError that names the first and counts the rest."""
    (tmp_path / "bad.yaml").write_text("tuition:\n  - id: a\n  - id: b\n")
    with pytest.raises(DatasetError) as info:
        loader.load(tmp_path)
    assert "bad.yaml:2" in info.value.message and "more" in info.value.message


def test_alias_bomb_fails_fast(tmp_path):
    """A billion-laughs document is refused before it is expanded."""
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i-1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    with pytest.raises(DatasetError, match="alias bomb"):
        loader.parse_yaml("\n".join(lines), "bomb.yaml")


def test_python_tags_refused():
    """Safe loading refuses Python object tags."""
    with pytest.raises(DatasetError, match="bad.yaml:1"):
        loader.parse_yaml("x: !!python/object/apply:os.system ['echo hi']\n", "bad.yaml")


def test_data_list_formats():
    """`data list` prints every dataset with its record count, in JSON and CSV."""
    rows = json.loads(runner.invoke(app, ["data", "list", "-f", "json"]).stdout)
    counts = {r["dataset"]: r["records"] for r in rows}
    assert counts["pathways"] == 6 and set(counts) <= set(RECORD_TYPES)
    out = runner.invoke(app, ["data", "list", "-f", "csv"]).stdout
    assert list(csv.DictReader(io.StringIO(out)))[0]["dataset"]


def test_data_show_and_sources():
    """`data show` lists records with their source; `data sources` cites URLs with years."""
    rows = json.loads(runner.invoke(app, ["data", "show", "occupations", "-f", "json"]).stdout)
    assert all(r["source"]["url"].startswith("http") for r in rows)
    sources = json.loads(runner.invoke(app, ["data", "sources", "-f", "json"]).stdout)
    assert any("bls.gov" in s["url"] for s in sources)
    assert all(s["years"] for s in sources)


def test_data_validate_exit_codes(tmp_path, capsys):
    """`data validate` exits 0 on good data and 1 listing every problem on bad data."""
    good = tmp_path / "good.yaml"
    good.write_text(f"roles:\n  - id: r\n    title: Coder\n    occupation: "
                    f"medical-records-specialists\n    figure_year: 2024\n"
                    f"    source: {GOOD_SOURCE}\n")
    assert main_entry(["data", "validate", str(good)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("roles:\n  - id: r\n  - id: s\n")
    assert main_entry(["data", "validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml:2" in err and "bad.yaml:3" in err


def test_data_schema_is_json_schema(tmp_path):
    """`data schema` prints a JSON Schema naming every dataset."""
    doc = json.loads(runner.invoke(app, ["data", "schema"]).stdout)
    assert set(RECORD_TYPES) <= set(doc["properties"])
    out = tmp_path / "schema.json"
    assert main_entry(["data", "schema", "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == doc


def test_datasets_container_defaults():
    """An empty Datasets has no records and no problems."""
    assert Datasets().get("pathways") == {} and Datasets().cross_reference_problems() == []
