"""Tests of the Monte Carlo simulation (himcalc.engine.simulate) and `himcalc simulate`.

The reference for every expected number is the deterministic engine itself (`metrics.evaluate`)
or a probability computed by hand from the engine's flows and the normal CDF.
"""

from __future__ import annotations

import csv
import doctest
import io
import json
import math
import subprocess
import sys
from statistics import NormalDist

import numpy as np
import pytest
from typer.testing import CliRunner

from himcalc import loader
from himcalc.cli.main import app, main_entry
from himcalc.engine import finance
from himcalc.engine import simulate as sim
from himcalc.engine.metrics import evaluate
from himcalc.engine.plan import make_plan
from himcalc.engine.salary import z_score
from himcalc.engine.scenario import Scenario
from himcalc.errors import InputError
from himcalc.models.dataset import Datasets
from himcalc.models.labor import TrackStage

runner = CliRunner()

QUIET = {"salary_spread": 0.0, "wage_growth_sd": 0.0, "time_spread": 0.0}
"""Every spread zero: each run is the deterministic engine's person."""


@pytest.fixture(scope="module")
def data():
    return loader.load(None)


def one_role(data: Datasets) -> Datasets:
    """The shipped data with the coder track reduced to one role (medical records specialists,
    share 1) and no experience ramp (the median person stays at p50): every career year then
    pays one wage, which the salary draw moves along the occupation's fitted curve."""
    track = data.get("career_tracks")["coder"]
    stage = TrackStage(from_year=0, occupation="medical-records-specialists")
    params = dict(data.get("parameters"))
    for key in ("experience_percentile_start", "experience_percentile_year_10",
                "experience_percentile_year_25"):
        params[key] = params[key].model_copy(update={"value": 50.0})
    records = {**data.records, "parameters": params,
               "career_tracks": {**data.get("career_tracks"),
                                 "coder": track.model_copy(update={"stages": [stage]})}}
    return Datasets(records=records, origin=data.origin, files=data.files)


FLAT = Scenario(current_salary=40_000, earnings_basis="occupation", horizon=5)
"""A person whose counterfactual is given (no rank draw for it) and flat over the five years
(ages 25-29 are all below the first age-band mid-point, 29.5)."""


def test_doctests():
    """The docstring examples of the module (NPV, vectorised payback, quantile) hold."""
    failures, _ = doctest.testmod(sim)
    assert failures == 0


def test_same_seed_same_output_and_other_seed_differs(data):
    """A seed fixes every draw, so two runs with seed 7 are identical and seed 8 is not."""
    s = Scenario()
    a = sim.simulate(data, s, "associate-hit", sim.Settings(runs=3000, seed=7))
    b = sim.simulate(data, s, "associate-hit", sim.Settings(runs=3000, seed=7))
    c = sim.simulate(data, s, "associate-hit", sim.Settings(runs=3000, seed=8))
    assert a == b
    assert a.npv_mean != c.npv_mean


def test_results_do_not_depend_on_chunk_size(data, monkeypatch):
    """Each draw has its own stream, so cutting 2,500 runs into chunks of 700 changes nothing."""
    s = Scenario(study_mode="part_time", completion_risk=True)
    settings = sim.Settings(runs=2500, seed=3)
    whole = sim.outcomes(data, s, "associate-hit", settings)[1]
    monkeypatch.setattr(sim, "CHUNK", 700)
    chunked = sim.outcomes(data, s, "associate-hit", settings)[1]
    assert np.array_equal(whole.npv, chunked.npv)
    assert np.array_equal(whole.payback, chunked.payback, equal_nan=True)


@pytest.mark.parametrize(("pathway", "scenario"), [
    ("associate-hit", {}),
    ("bachelor-him", {"borrow": 6000}),
    ("bachelor-him", {"borrow": 9000, "loan_plan": "rap"}),
    ("coding-certificate", {"tax_rate": 0.2, "wage_growth": 0.01}),
    ("associate-hit", {"study_mode": "part_time", "percentile": 75}),
    ("associate-hit", {"study_mode": "accelerated", "borrow": 5000}),
    ("mha", {"education": "bachelor", "study_mode": "part_time", "tuition_growth": 0.02}),
])
def test_zero_spread_reproduces_the_engine_exactly(data, pathway, scenario):
    """With no salary, growth or time spread every run is the engine's person, bit for bit.

    The flows are the engine's own, NPV uses the same discounting and summation order and
    payback the same running-sum recurrence, so each quantile and the mean equal `evaluate`'s
    figures exactly.
    """
    s = Scenario(**scenario)
    metrics, _ = evaluate(make_plan(data, s, pathway))
    r = sim.simulate(data, s, pathway, sim.Settings(runs=500, seed=1, within=12, **QUIET))
    assert r.npv_p10 == r.npv_p50 == r.npv_p90 == r.npv_mean == metrics.npv
    assert r.payback_p10 == r.payback_p50 == r.payback_p90 == metrics.payback_years
    assert r.p_npv_positive == (1.0 if metrics.npv > 0 else 0.0)
    paid = metrics.payback_years is not None and metrics.payback_years <= 12
    assert r.p_payback_within == (1.0 if paid else 0.0)
    assert r.npv_se == 0.0


def test_completion_draw_averages_to_the_engine_expectation(data):
    """With completion risk, the mean NPV over completers and leavers estimates the engine's
    probability-weighted NPV (NPV is linear in the flows), within 4 standard errors."""
    s = Scenario(completion_risk=True)
    plan = make_plan(data, s, "associate-hit")
    metrics, _ = evaluate(plan)
    p = plan.completion_probability
    assert p == pytest.approx(0.439 * 1.098)  # NSC fall 2019 public two-year x full-time
    r = sim.simulate(data, s, "associate-hit", sim.Settings(runs=20_000, seed=11, **QUIET))
    assert r.completion_probability == p
    assert abs(r.npv_mean - metrics.npv) < 4 * r.npv_se
    # two outcomes only: the completer's NPV and the leaver's (negative) NPV
    assert p - 0.02 < r.p_npv_positive < p + 0.02


@pytest.mark.parametrize("occupation", [
    "medical-records-specialists", "health-information-technologists",
    "medical-and-health-services-managers", "health-information-technologists-2021",
])
def test_fitted_distribution_reproduces_source_percentiles(data, occupation):
    """The two-piece lognormal (log-wage linear in z between published percentiles) passes
    through every published percentile: stated tolerance 1e-9 relative (rounding only)."""
    points = data.get("occupations")[occupation].annual_wages.known()
    zs = np.array([z_score(p) for p, _ in points])
    fitted = np.exp(sim.log_wage_at_z(points, zs))
    assert fitted == pytest.approx([w for _, w in points], rel=1e-9)


def test_drawn_wages_follow_the_fitted_lognormal(data):
    """The simulation's salary draw at spread 1 and p50 is the fitted lognormal: with one role
    and a given counterfactual, the share of runs whose NPV beats the p90 person's is 10 %
    (within 4 standard errors)."""
    data = one_role(data)
    s = FLAT.model_copy(update={"horizon": None})
    pathway = "coding-certificate"
    p90_npv = evaluate(make_plan(data, s.model_copy(update={"percentile": 90.0}), pathway))[0].npv
    settings = sim.Settings(runs=20_000, seed=5, wage_growth_sd=0.0)
    npv = sim.outcomes(data, s, pathway, settings)[1].npv
    share = float(np.mean(npv > p90_npv))
    assert abs(share - 0.10) < 4 * math.sqrt(0.1 * 0.9 / 20_000)


def test_payback_probability_matches_the_analytic_threshold(data):
    """Certificate, full-time, one role, no growth spread: year 0 costs `-net0`, every later
    year earns `m × w − cf` (w, cf the engine's earnings in year 1), so payback within N years
    iff m ≥ m* = (cf − net0 / (N − 1)) / w, and P = 1 − Φ(ln(m*) / σ) with σ the slope of
    log-wage per unit z on the side of the median where m* lies (the two-piece fit); the
    simulated share is within 4 standard errors of it."""
    data = one_role(data)
    pathway = "coding-certificate"
    plan = make_plan(data, FLAT, pathway)
    _, flows = evaluate(plan)
    net0 = flows.net[0]
    w, cf = flows.earnings_with[1], flows.earnings_without[1]
    assert flows.net[1:] == pytest.approx([w - cf] * 4)  # the premium every career year
    n = 4
    threshold = (cf - net0 / (n - 1)) / w
    wages = dict(data.get("occupations")["medical-records-specialists"].annual_wages.known())
    outer = 90 if threshold >= 1 else 10
    sigma = math.log(wages[outer] / wages[50]) / z_score(outer)
    expected = 1.0 - NormalDist().cdf(math.log(threshold) / sigma)
    runs = 40_000
    r = sim.simulate(data, FLAT, pathway, sim.Settings(runs=runs, seed=2, within=n,
                                                       wage_growth_sd=0.0))
    assert 0.02 < expected < 0.98
    assert abs(r.p_payback_within - expected) < 4 * math.sqrt(expected * (1 - expected) / runs)


def _with_rank_correlation(data: Datasets, rho: float) -> Datasets:
    params = dict(data.get("parameters"))
    params["rank_correlation"] = params["rank_correlation"].model_copy(update={"value": rho})
    return Datasets(records={**data.records, "parameters": params}, origin=data.origin,
                    files=data.files)


def test_rank_draws_are_correlated_on_both_paths(data):
    """Without --current-salary the counterfactual rank is drawn too, correlated with the
    holder's: NPV rises with the holder's wage and falls with the counterfactual, so the more
    the two ranks move together the narrower the spread of NPV (same seed: the same people),
    and a given salary (no counterfactual draw) differs from both."""
    data = one_role(data)
    s = Scenario(horizon=5, earnings_basis="occupation")
    settings = sim.Settings(runs=20_000, seed=3, wage_growth_sd=0.0)
    spread = {rho: float(np.std(sim.outcomes(_with_rank_correlation(data, rho), s,
                                              "coding-certificate", settings)[1].npv))
              for rho in (0.0, 0.5, 0.9)}
    assert spread[0.0] > spread[0.5] > spread[0.9]
    given = s.model_copy(update={"current_salary": make_plan(
        data, s, "coding-certificate").counterfactual})
    holder_only = float(np.std(sim.outcomes(data, given, "coding-certificate", settings)[1].npv))
    assert holder_only != pytest.approx(spread[0.5], rel=0.01)


def test_vectorised_payback_and_npv_equal_finance_functions():
    """`payback_rows` and `npv_rows` are `finance.payback_years` and the engine's NPV (the running
    sum of `finance.discount`) applied to each column, exactly, on random series and the
    documented special cases."""
    rng = np.random.default_rng(0)
    random = rng.normal(0.0, 1.0, size=(30, 400)) * 1000.0
    random[:3] -= 3000.0  # most series start under water
    special = np.array([
        [0.0, 0.0, -10.0, 5.0, 5.0, 5.0],  # leading zeros
        [50.0, -100.0, 200.0, 0.0, 0.0, 0.0],  # ahead, under water, recovers: 2.25
        [-100.0, 0.0, 0.0, 0.0, 0.0, 0.0],  # never
        [0.0] * 6,  # nothing to pay back
        [-100.0, 100.0, -50.0, 10.0, 10.0, 10.0],  # a re-dip after the first crossing
    ]).T
    for net in (random, special):
        got = sim.payback_rows(net)
        for j in range(net.shape[1]):
            want = finance.payback_years(net[:, j].tolist())
            assert (math.isnan(got[j]) if want is None else got[j] == want), j
        npv = sim.npv_rows(0.03, net)
        want_npv = [finance.cumulative(finance.discount(0.03, net[:, j].tolist()))[-1]
                    for j in range(net.shape[1])]
        assert npv.tolist() == want_npv


def test_quantiles_of_never_are_none():
    """A quantile that falls on a "never" run is None, not NaN or infinity."""
    values = np.array([5.0, 6.0, 7.0, np.nan, np.nan])
    assert sim.quantile(values, 0.1) == pytest.approx(5.4)
    assert sim.quantile(values, 0.9) is None


@pytest.mark.parametrize("bad", [
    {"runs": 0}, {"within": 0.0}, {"salary_spread": -1.0}, {"wage_growth_sd": 0.2},
    {"time_spread": 1.0}, {"seed": -1},
])
def test_settings_out_of_range_raise_input_error(bad):
    """Each setting outside its documented range is refused with an InputError naming it."""
    with pytest.raises(InputError):
        sim.Settings(**bad).check()


# --------------------------------------------------------------------------------- the CLI

ARGS = ["simulate", "associate-hit", "coding-certificate", "--runs", "2000", "--seed", "4"]


def test_cli_json_is_reproducible_and_has_no_nan():
    """JSON rows carry every documented key, null for a "never" quantile, and the same seed
    gives byte-identical output."""
    first = runner.invoke(app, [*ARGS, "-f", "json"])
    second = runner.invoke(app, [*ARGS, "-f", "json"])
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    rows = json.loads(first.stdout)
    assert [r["pathway"] for r in rows] == ["associate-hit", "coding-certificate"]
    assert list(rows[0]) == [
        "pathway", "institution", "study_mode", "runs", "seed", "within_years",
        "p_payback_within", "p_never", "payback_p10", "payback_p50", "payback_p90", "npv_p10",
        "npv_p50", "npv_p90", "npv_mean", "npv_se", "p_npv_positive", "completion_probability",
        "salary_spread", "wage_growth_sd", "time_spread"]
    assert rows[0]["runs"] == 2000 and rows[0]["seed"] == 4
    assert rows[0]["payback_p90"] is None  # a p10 earner's associate degree never pays back
    assert "NaN" not in first.stdout


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_cli_delimited_rows(fmt, delimiter):
    """CSV/TSV have a header row and one row per pathway, with an empty cell for "never"."""
    result = runner.invoke(app, [*ARGS, "-f", fmt])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter=delimiter))
    assert len(rows) == 2
    assert rows[0]["payback_p90"] == ""
    assert 0.0 <= float(rows[0]["p_payback_within"]) <= 1.0


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_cli_tables_for_people(fmt):
    """Table and Markdown name each pathway, show "never" and the seed to repeat the run."""
    result = runner.invoke(app, [*ARGS, "-f", fmt])
    assert result.exit_code == 0, result.output
    assert "associate-hit" in result.stdout and "never" in result.stdout
    assert "--seed 4" in result.stdout
    if fmt == "markdown":
        assert result.stdout.startswith("| Pathway")


def test_cli_takes_scenario_flags_and_institutions():
    """Scenario flags reach the engine (part-time study) and --institution repeats rows."""
    result = runner.invoke(app, [
        "simulate", "associate-hit", "--runs", "500", "--seed", "1", "--study-mode",
        "part_time", "--institution", "public_in_state", "--institution", "online", "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["institution"], r["study_mode"]) for r in rows] == [
        ("public_in_state", "part_time"), ("online", "part_time")]


def test_cli_bad_input_is_one_line_error(capsys):
    """A --runs of 0 is a usage error (exit 2) and an unknown pathway names the valid ones."""
    assert main_entry(["simulate", "--runs", "0"]) == 2
    assert main_entry(["simulate", "no-such-pathway", "--runs", "10"]) == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 2 and "unknown pathway" in err


def test_numpy_is_not_imported_at_startup():
    """Importing the CLI (as `himcalc --help` does) must not import numpy."""
    code = "import sys, himcalc.cli.main; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("window,spread", [(sim.WINDOW, 1.0), (1e-9, 1.0), (sim.WINDOW, 0.0)],
                         ids=["windows", "second-pass", "one-value"])
def test_streamed_summary_equals_the_kept_one(data, monkeypatch, window, spread):
    """Summarising chunk by chunk (bounded memory) gives the same counts and quantiles as
    sorting every run, and the same mean and standard error to rounding — also when the
    windows miss (a second pass) and when every run has the same outcome (merged counts)."""
    s = Scenario(completion_risk=True)
    settings = sim.Settings(runs=20_000, seed=5, salary_spread=spread,
                            wage_growth_sd=0.005 if spread else 0.0)
    monkeypatch.setattr(sim, "CHUNK", 700)
    plan, result = sim.outcomes(data, s, "associate-hit", settings)
    kept = sim.summarise(plan, result, settings)
    monkeypatch.setattr(sim, "KEEP_LIMIT", 0)
    monkeypatch.setattr(sim, "PILOT", 2_000)
    monkeypatch.setattr(sim, "WINDOW", window)
    monkeypatch.setattr(sim, "MERGE", 500)
    streamed = sim.simulate(data, s, "associate-hit", settings)
    a, b = kept.as_dict(), streamed.as_dict()
    for key in ("npv_mean", "npv_se"):
        assert b.pop(key) == pytest.approx(a.pop(key), rel=1e-9, abs=1e-6)
    assert a == b


def test_progress_bar_on_a_terminal_only(capsys, monkeypatch):
    """On a terminal stderr a rich.progress bar is started on stderr, also with an unknown
    total (batch), and updated with the count done; stdout never gets anything."""
    import sys

    import rich.progress

    from himcalc.render import chart

    seen: dict = {}

    class Recorder(rich.progress.Progress):
        def update(self, task_id, **kwargs):
            seen.update(kwargs, file=self.console.file)
            return super().update(task_id, **kwargs)

    monkeypatch.setattr(rich.progress, "Progress", Recorder)
    monkeypatch.setattr(chart, "_stderr_is_terminal", lambda: True)
    with chart.progress(None, "batch: lines", delay=0.0) as tick:
        tick(4096)
    assert seen["completed"] == 4096 and seen["file"] is sys.stderr
    assert capsys.readouterr().out == ""
