"""Real programmes and states (issue 17): `himcalc programs`, `--program`, `--state`.

Expected figures are read from the shipped CSV files (data/programs.csv, data/oews_states.csv)
and data records here in the test, never from the code under test.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from himcalc import loader
from himcalc.cli.main import app, main_entry
from himcalc.engine.metrics import METRIC_KEYS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
HERZING = "240392"
runner = CliRunner()


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


PROGRAMS = _csv("programs.csv")
STATES = _csv("oews_states.csv")


@pytest.fixture(scope="module")
def data():
    return loader.load()


def _ok(*args: str, input: str | None = None, env: dict | None = None):
    result = runner.invoke(app, list(args), input=input, env=env)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def _fails(capsys, *args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of a run through the real entry point (error lines)."""
    code = main_entry(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json(*args: str):
    return json.loads(_ok(*args, "-f", "json").stdout)


def _row(unitid: str, level: str) -> dict[str, str]:
    return next(r for r in PROGRAMS if r["unitid"] == unitid and r["credential_level"] == level)


def _benchmark(state: str) -> int:
    """Scorecard's high-school benchmark of `state`, as its programmes carry it."""
    values = {r["hs_benchmark_state"] for r in PROGRAMS
              if r["state"] == state and r["hs_benchmark_state"]}
    assert len(values) == 1, values
    return int(values.pop())


# ------------------------------------------------------------------------------ programs

def test_herzing_madison_is_listed():
    """`programs --search herzing --state WI` lists Herzing University-Madison's certificate,
    associate and bachelor's with the CSV's earnings and debt."""
    rows = _json("programs", "--search", "herzing", "--state", "WI")
    assert {r["state"] for r in rows} == {"WI"}
    madison = {r["level"]: r for r in rows if r["unitid"] == int(HERZING)}
    assert {"certificate", "associate", "bachelor"} <= set(madison)
    for level, code in (("certificate", "1"), ("associate", "2"), ("bachelor", "3")):
        row = _row(HERZING, code)
        assert madison[level]["institution"] == row["institution"] == "Herzing University-Madison"
        assert madison[level]["earnings_4yr"] == float(row["earnings_4yr"])
        assert madison[level]["debt_median"] == float(row["debt_median"])
        assert madison[level]["program"] == f"{HERZING}:{level}"
    table = _ok("programs", "--search", "herzing", "--state", "wi").stdout
    assert "Herzing University-Madison" in table and "240392:associate" in table


def test_search_ignores_case_accents_and_punctuation():
    """--search matches whatever the case, accents and dashes: 'DIAZ' finds 'Juana Díaz' and
    'herzing university–madison' (an en dash) finds 'Herzing University-Madison'."""
    diaz = _json("programs", "--search", "JUANA DIAZ")
    assert diaz and all("Juana Díaz" in r["institution"] for r in diaz)
    assert len(diaz) == sum("Juana Díaz" in r["institution"] for r in PROGRAMS)
    madison = _json("programs", "--search", "herzing university–madison")
    assert {r["unitid"] for r in madison} == {int(HERZING)}


def test_filters_agree_with_the_csv():
    """--state MS --level associate --control public lists exactly the CSV's public
    associate programmes (CREDLEV 2) in Mississippi."""
    rows = _json("programs", "--state", "MS", "--level", "associate", "--control", "public")
    expected = {int(r["unitid"]) for r in PROGRAMS if r["state"] == "MS"
                and r["credential_level"] == "2" and r["control"] == "public"}
    assert expected and {r["unitid"] for r in rows} == expected
    assert all((r["level"], r["control"], r["state"]) == ("associate", "public", "MS")
               for r in rows)


def test_suppressed_cells_are_null_or_suppressed_never_zero():
    """Herzing-Madison's master's has every outcome suppressed: null in JSON, an empty CSV
    cell, 'suppressed' in the table, and never 0."""
    assert _row(HERZING, "5")["earnings_4yr"] == "" and _row(HERZING, "5")["debt_median"] == ""
    rows = _json("programs", "--search", "herzing madison", "--level", "master")
    assert [(r["earnings_4yr"], r["debt_median"], r["completers"]) for r in rows] == [
        (None, None, None)]
    out = _ok("programs", "--search", "herzing madison", "--level", "master", "-f", "csv").stdout
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert (row["earnings_4yr"], row["debt_median"]) == ("", "")
    table = _ok("programs", "--search", "herzing madison", "--level", "master", "--wide").stdout
    line = next(line for line in table.splitlines() if "240392:master" in line)
    assert line.count("suppressed") >= 3 and "$0" not in line


def test_programs_fits_80_columns_in_every_format():
    """The table fits 80 columns; markdown and TSV carry every row."""
    table = _ok("programs", "--state", "WI").stdout
    assert max(len(line) for line in table.splitlines()) <= 80
    wi = sum(r["state"] == "WI" for r in PROGRAMS)
    tsv = _ok("programs", "--state", "WI", "-f", "tsv").stdout.splitlines()
    assert len(tsv) == wi + 1
    markdown = _ok("programs", "--state", "WI", "-f", "markdown").stdout
    assert markdown.count("\n| ") >= wi


# ------------------------------------------------------------------------------ errors

@pytest.mark.parametrize(("args", "words"), [
    (["compare", "--program", "240393"], ["no programme with UNITID 240393", "did you mean"]),
    (["compare", "--program", "herzing"], ["expected UNITID or UNITID:LEVEL", "programs --search"]),
    (["compare", "--program", "240392:doctoral"], ["unknown level 'doctoral'",
                                                   "240392:associate"]),
    (["show", "--program", "240392"], ["names 4 programmes", "name one"]),
    (["compare", "--state", "ZZ"], ["unknown state 'ZZ'", "did you mean"]),
    (["compare", "--state", "Wisconsin"], ["did you mean 'WI' (Wisconsin)"]),
    (["programs", "--state", "Texas"], ["did you mean 'TX' (Texas)"]),
])
def test_unknown_programme_or_state_exits_2_with_a_suggestion(capsys, args, words):
    """An unknown UNITID, level or state is a usage error: exit 2, one `error:` line that
    suggests what was meant, nothing on stdout."""
    code, out, err = _fails(capsys, *args, "-f", "json")
    assert (code, out) == (2, ""), err
    assert err.startswith("error: ") and err.count("\n") == 1
    for word in words:
        assert word in err


def test_a_level_the_person_cannot_enter(capsys):
    """A master's programme for a high-school graduate cannot be priced: alone it is exit 1
    ('nothing to compare'); with the institution's other levels it is skipped with a note."""
    code, out, err = _fails(capsys, "compare", "--program", f"{HERZING}:master", "-f", "json")
    assert (code, out) == (1, "")
    assert "nothing to compare" in err and "requires education" in err
    code, out, err = _fails(capsys, "compare", "--program", HERZING, "-f", "json")
    assert code == 0
    assert {r["program"] for r in json.loads(out)} == {
        f"{HERZING}:certificate", f"{HERZING}:associate", f"{HERZING}:bachelor"}
    assert f"note: skipped (cannot be priced): {HERZING}:master" in err
    bachelor = _json("compare", "--program", f"{HERZING}:master", "--education", "bachelor")
    assert [r["pathway"] for r in bachelor] == ["ms-hiim"]


# ------------------------------------------------------------------------------ pricing

def test_programme_earnings_anchor_the_career(data):
    """Priced for the default person, Herzing-Madison's associate pays, 4 years after
    completion, its completers' observed median (programs.csv) times the associate
    employment rate; the anchor replaces the national level median."""
    earnings = float(_row(HERZING, "2")["earnings_4yr"])
    employment = 1 - data.get("earnings")["associate"].unemployment_rate
    shown = _json("show", "--program", f"{HERZING}:associate")
    assert shown["program"] == f"{HERZING}:associate" and shown["pathway"] == "associate-hit"
    assert shown["cash_flows"][2 + 4]["earnings_with"] == pytest.approx(earnings * employment)
    national = _json("show", "associate-hit")
    level = data.get("scorecard_levels")["cip-51.07-associate"].earnings_4yr_median
    assert national["cash_flows"][6]["earnings_with"] == pytest.approx(level * employment)


def test_programme_debt_control_and_footer():
    """The programme's median debt, spread over its 2 years, is the default borrowing; its
    control (private nonprofit) picks the tuition row; the footer names the programme, the
    Scorecard release and the borrowing."""
    row = _row(HERZING, "2")
    debt = float(row["debt_median"])
    result = _ok("compare", "--program", f"{HERZING}:associate", "--age", "30",
                 "--current-salary", "36000", env={"COLUMNS": "200"})
    [priced] = _json("compare", "--program", f"{HERZING}:associate", "--age", "30",
                     "--current-salary", "36000")
    assert priced["institution"] == "private_nonprofit" and priced["program"] == "240392:associate"
    same = _json("compare", "associate-hit", "--institution", "private_nonprofit", "--age", "30",
                 "--current-salary", "36000", "--borrow", str(debt / 2))
    assert priced["debt_at_repayment"] == same[0]["debt_at_repayment"] > 0
    text = " ".join(result.stdout.split())
    assert "Herzing University-Madison (WI), Associate's Degree" in text
    assert "release 2026-06-10" in text and "$25,615" in text and "over 2 years" in text
    assert "--program 240392:associate" in text


def test_suppressed_programme_falls_back_to_national_figures():
    """A programme whose earnings and debt are both suppressed is priced exactly as its
    pathway at its control's tuition row (the national level median, no borrowing), and the
    footer says it fell back."""
    row = next(r for r in PROGRAMS if r["credential_level"] == "2" and r["control"] == "public"
               and r["earnings_4yr"] == "" and r["earnings_1yr"] == "" and r["debt_median"] == "")
    key = f"{row['unitid']}:associate"
    [priced] = _json("compare", "--program", key)
    [pathway] = _json("compare", "associate-hit")
    assert {k: v for k, v in priced.items() if k != "program"} == pathway
    text = " ".join(_ok("compare", "--program", key, env={"COLUMNS": "200"}).stdout.split())
    assert "Fallback: its earnings 4 years after completion are suppressed" in text
    assert "$39,604" in text and "no borrowing is assumed" in text


def test_for_profit_priced_at_private_row_with_a_note():
    """A for-profit programme is priced at the private nonprofit row, and the footer says so."""
    row = next(r for r in PROGRAMS if r["control"] == "for_profit" and r["credential_level"] == "1"
               and r["earnings_4yr"])
    key = f"{row['unitid']}:certificate"
    [priced] = _json("compare", "--program", key)
    assert priced["institution"] == "private_nonprofit"
    text = " ".join(_ok("compare", "--program", key, env={"COLUMNS": "200"}).stdout.split())
    assert "a for-profit school, priced at the private_nonprofit sector average" in text


def test_programmes_mix_with_pathway_ids():
    """`compare associate-hit --program 240392:associate` prices both: one row with programme
    null, one with the programme, told apart by the `program` key."""
    rows = _json("compare", "associate-hit", "--program", f"{HERZING}:associate")
    assert sorted((r["pathway"], r["program"] or "") for r in rows) == [
        ("associate-hit", ""), ("associate-hit", f"{HERZING}:associate")]


# ------------------------------------------------------------------------------ states

def test_compare_without_state_or_program_is_unchanged_and_reads_no_csv(data):
    """Without --state or --program compare's JSON rows have exactly the documented keys and
    the national figures (the engine's default plans), and neither CSV is read or imported."""
    code = textwrap.dedent("""
        import sys
        from himcalc.cli.main import main_entry
        code = main_entry(["compare", "-f", "json"])
        sys.stderr.write(repr(("himcalc.engine.programs" in sys.modules,
                               "himcalc.render.places" in sys.modules, int(code))))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.stderr.strip().endswith("(False, False, 0)"), proc.stderr
    rows = json.loads(proc.stdout)
    assert all(list(r) == list(METRIC_KEYS) for r in rows)
    from himcalc.engine.metrics import evaluate
    from himcalc.engine.plan import make_plan
    from himcalc.engine.scenario import Scenario

    for r in rows:
        assert r["npv"] == evaluate(make_plan(data, Scenario(), r["pathway"]))[0].npv
    assert not data.memo("extract_tables")  # no extract was read


def test_state_counterfactual_is_the_state_benchmark():
    """On the observed basis the default counterfactual (a high-school graduate aged 25) is
    the state's Scorecard high-school benchmark: MS and MA each as in programs.csv."""
    for state in ("MS", "MA"):
        shown = _json("show", "associate-hit", "--state", state)
        assert shown["assumptions"]["counterfactual"] == pytest.approx(_benchmark(state))
        assert shown["assumptions"]["state"] == state
    national = _json("show", "associate-hit")["assumptions"]["counterfactual"]
    scorecard = loader.load().get("scorecard_levels")["cip-51.07-associate"]
    assert national == pytest.approx(scorecard.hs_benchmark_national)


def test_state_wages_trace_to_oews_rows(tmp_path, data):
    """With a career of one occupation (Medical Records Specialists) on the occupation basis,
    a median holder 10 years out earns the state's OEWS p50 for 29-2072 (oews_states.csv) ×
    the associate employment rate: MS and MA differ, and so do their NPVs."""
    track = tmp_path / "track.yaml"
    track.write_text(textwrap.dedent("""
        career_tracks:
          - id: technician-to-technologist
            stages:
              - from_year: 0
                occupation: medical-records-specialists
            assumption: true
            note: a one-occupation career, so that a test can trace state wages
            source: {title: test track, url: "https://example.org/track", year: 2025}
        """), encoding="utf-8")
    employment = 1 - data.get("earnings")["associate"].unemployment_rate
    npv = {}
    for state in ("MS", "MA"):
        p50 = float(next(r["p50"] for r in STATES if r["state"] == state
                         and r["soc"] == "29-2072"))
        result = runner.invoke(app, ["--data", str(track), "show", "associate-hit", "--state",
                                     state, "--earnings-basis", "occupation", "-f", "json"])
        assert result.exit_code == 0, result.output
        shown = json.loads(result.stdout)
        assert shown["cash_flows"][2 + 10]["earnings_with"] == pytest.approx(p50 * employment)
        npv[state] = shown["metrics"]["npv"]
    assert npv["MA"] > npv["MS"]
    ms, ma = _json("compare", "--state", "MS"), _json("compare", "--state", "MA")
    assert [r["npv"] for r in ms] != [r["npv"] for r in ma]


def test_state_without_an_occupation_falls_back_with_a_note():
    """BLS publishes no 29-9021 estimate for Alabama (no row in oews_states.csv): that
    occupation stays national, and the footer (stderr in JSON) says so."""
    assert not any(r["state"] == "AL" and r["soc"] == "29-9021" for r in STATES)
    result = runner.invoke(app, ["compare", "bachelor-him", "--state", "AL", "-f", "json"])
    assert result.exit_code == 0
    assert "fallback: national wages for 29-9021" in result.stderr


# ------------------------------------------------------------------------------ batch

def test_batch_rows_with_program_and_state():
    """Batch lines take `program` (a number or text) and `state`: each row equals compare's
    for the same choices; an unknown state or UNITID is that line's error."""
    lines = "".join(json.dumps(x) + "\n" for x in [
        {"id": "p", "program": int(HERZING), "age": 30, "current_salary": 36000},
        {"id": "s", "state": "ms", "pathways": ["associate-hit"]},
        {"id": "bad-state", "state": "ZZ"},
        {"id": "bad-program", "program": "999999:associate"},
        {"id": "both", "state": "MA", "program": f"{HERZING}:bachelor"},
    ])
    result = runner.invoke(app, ["batch", "--keep-going"], input=lines)
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["id"] for r in rows} == {"p", "s", "both"}
    assert "<stdin>:3 (field 'state'): unknown state 'ZZ'" in result.stderr
    assert "<stdin>:4 (field 'program'): program '999999:associate'" in result.stderr

    def strip(row: dict) -> dict:
        return {k: v for k, v in row.items() if k not in ("id", "skipped", "program")}

    priced = {r["pathway"]: r for r in rows if r["id"] == "p" and r["skipped"] is None}
    expected = _json("compare", "--program", HERZING, "--age", "30", "--current-salary", "36000")
    assert {r["pathway"]: strip(r) for r in expected} == {k: strip(v) for k, v in priced.items()}
    assert any(r["id"] == "p" and r["pathway"] == "ms-hiim" and r["skipped"] for r in rows)
    [state_row] = [r for r in rows if r["id"] == "s"]
    assert strip(state_row) == _json("compare", "associate-hit", "--state", "MS")[0]
    [both] = [r for r in rows if r["id"] == "both"]
    assert strip(both) == strip(_json("compare", "--program", f"{HERZING}:bachelor",
                                      "--state", "MA")[0])
    csv_in = f"id,program,state\nx,{HERZING}:bachelor,MA\n"
    out = _ok("batch", "--input-format", "csv", "-f", "csv", input=csv_in).stdout
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert float(row["npv"]) == pytest.approx(both["npv"])


def test_batch_line_with_pathways_and_program_is_refused():
    """A line naming both pathways and a programme is that line's error (rows are told apart
    by pathway)."""
    line = json.dumps({"program": f"{HERZING}:associate", "pathways": "associate-hit"}) + "\n"
    result = runner.invoke(app, ["batch", "--keep-going"], input=line)
    assert result.exit_code == 1 and result.stdout == ""
    assert "give 'pathways' or 'program', not both" in result.stderr


# ------------------------------------------------------------------------------ provenance

def test_data_sources_list_programme_and_state_sources():
    """`data sources` has a row for the Scorecard programmes and one for OEWS state wages."""
    rows = _json("data", "sources")
    titles = {r["title"]: r for r in rows}
    scorecard = next(t for t in titles if t.startswith("College Scorecard, Field of Study"))
    assert "extracts" in titles[scorecard]["datasets"]
    oews = next(t for t in titles if "OEWS" in t and "state estimates" in t)
    assert titles[oews]["datasets"] == ["extracts"]


def test_edited_csv_is_refused(tmp_path, capsys):
    """A programs.csv whose bytes differ from its extracts record's SHA-256 is refused when
    it is read (exit 1, naming the file), and only then: compare without --program runs."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "programs.yaml").write_text((DATA / "programs.yaml").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    text = (DATA / "programs.csv").read_text(encoding="utf-8").replace(
        "240392,Herzing University-Madison,WI,private_nonprofit,2,Associate's Degree,66,38352",
        "240392,Herzing University-Madison,WI,private_nonprofit,2,Associate's Degree,66,99999")
    (folder / "programs.csv").write_text(text, encoding="utf-8")
    assert runner.invoke(app, ["--data", str(folder), "compare", "-f", "json"]).exit_code == 0
    code, out, err = _fails(capsys, "--data", str(folder), "programs", "-f", "json")
    assert (code, out) == (1, "")
    assert err.startswith(f"error: {folder / 'programs.csv'}: SHA-256") and "rerun" in err


def test_sensitivity_prices_a_programme():
    """`sensitivity --program` works through its time-to-complete input too (that input builds
    a modified data set, which must keep the extracts' readers)."""
    result = runner.invoke(app, ["sensitivity", "--program", "240392:associate", "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert any(r["input"] == "time" for r in rows)
