"""Issue 12's cases: payback, IRR, financing, the price-to-earnings premium, tax credits and loan
interest, each checked against a value worked out independently (by hand here, or with
numpy-financial), plus the properties that must hold for every scenario."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy_financial as npf
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.plans import staged
from tests.test_fuzz import shipped
from typer.testing import CliRunner

from himcalc.cli.main import app
from himcalc.engine import finance
from himcalc.engine import loans as L
from himcalc.engine.metrics import evaluate
from himcalc.engine.plan import make_plan
from himcalc.engine.scenario import Scenario
from himcalc.engine.vector import evaluate_tasks, rows_of
from himcalc.models.enums import Education, Institution, StudyMode

runner = CliRunner()
PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

CASE_1 = ["coding-certificate", "--current-salary", "52000", "--study-mode", "part_time",
          "--salary-kept", "1", "--borrow", "9500"]
"""Issue 12 §1: studying part-time on a kept $52,000 salary with loans, for a $50,250 job."""
CASE_2 = ["associate-hit", "--age", "34", "--current-salary", "38000", "--institution", "online",
          "--study-mode", "part_time", "--salary-kept", "1"]
"""Issue 12 §2: a 34-year-old on $38,000 studying an online associate part-time."""


def _json(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- §1 payback


def test_case_1_never_pays_back() -> None:
    """The kept salary covers study, but the coder's job pays less than the $52,000 kept (the
    BLS median is $51,140 in May 2025): the economic position is a small cost, then a loss every
    year, so it never pays back (the old rule said 0.0 because the *loan-financed* position
    started ahead)."""
    [row] = _json("compare", *CASE_1, "-f", "json")
    assert row["annual_premium"] < 0
    assert row["payback_years"] is None
    assert row["discounted_payback_years"] is None
    assert row["npv"] < 0


def test_case_1_show_says_one_thing() -> None:
    """`show` no longer prints both "No break-even" and "Payback 0.0"."""
    out = runner.invoke(app, ["show", *CASE_1]).stdout
    assert "No break-even within the horizon" in out
    assert "0.0" not in next(line for line in out.splitlines() if "Payback (years from" in line)


def test_case_1_is_not_ranked_first_by_payback() -> None:
    """`--sort payback` puts a pathway that never pays back after every one that does."""
    rows = _json("compare", "coding-certificate", "associate-hit", "bachelor-him",
                 "--current-salary", "52000", "--study-mode", "part_time", "--salary-kept", "1",
                 "--borrow", "9500", "--sort", "payback", "-f", "json")
    paybacks = [r["payback_years"] for r in rows]
    assert paybacks[0] is not None
    assert paybacks.index(None) > 0 and all(p is None for p in paybacks[paybacks.index(None):])
    assert next(r for r in rows if r["pathway"] == "coding-certificate")["payback_years"] is None


def test_case_1_simulation_agrees_with_npv() -> None:
    """`simulate` cannot say most draws pay back within 10 years while most lose money: a draw
    that pays back for good by year 10 keeps a non-negative undiscounted position."""
    [row] = _json("simulate", *CASE_1, "--seed", "1", "--runs", "2000", "-f", "json")
    assert row["p_payback_within"] <= row["p_npv_positive"] + 0.05


# --------------------------------------------------------------------------- §2 financing


@pytest.mark.parametrize("borrow", ["3000", "20000"])
def test_case_2_borrowing_leaves_the_headline_alone(borrow: str) -> None:
    """Payback, IRR and NPV are computed on the economic flows, so borrowing $3,000 or $20,000
    a year changes none of them; the financed NPV falls, since every 2026-27 loan rate (6.39 %
    and up) is above the 3 % discount rate."""
    [plain] = _json("compare", *CASE_2, "-f", "json")
    [loaned] = _json("compare", *CASE_2, "--borrow", borrow, "-f", "json")
    for key in ("payback_years", "discounted_payback_years", "irr", "npv",
                "npv_per_dollar_invested"):
        assert loaned[key] == plain[key], key
    assert loaned["payback_years"] > 0
    assert loaned["npv_financed"] < plain["npv_financed"] == plain["npv"]
    assert loaned["debt_at_repayment"] > 0 and loaned["debt_free_years"] > 0


def test_financed_view_by_hand() -> None:
    """The financed view is the cumulative own-cash position: economic flows -10k, -10k, then
    +5k a year for 6 years; a loan giving +10k in year 0 and taking 6k in years 2 and 3 leaves
    own-cash flows 0, -10k, -1k, -1k, 5k, 5k, 5k, 5k, cumulating to 0, -10k, -11k, -12k, -7k,
    -2k, +3k, +8k: lowest -12k after 4 years, back to even in year 6 at 6 + 2k/5k = 6.4 years;
    its NPV at 3 % is numpy-financial's on those flows."""
    plan = make_plan(shipped(), Scenario(tax_credits=False), "associate-hit")
    plan = staged(plan, horizon=8, years_to_complete=2.0, direct_cost_per_year=10_000.0,
                   exam_fee=0.0, counterfactual=0.0, kept_share=0.0, stages=((0.0, 5_000.0),),
                   wage_growth=0.0, tuition_growth=0.0, discount_rate=0.03, tax_rate=0.0,
                   completion_probability=1.0)
    from himcalc.engine import metrics as M
    from himcalc.engine.cashflows import project
    from himcalc.engine.financing import LoanOutcome

    loan = LoanOutcome([10_000.0] + [0.0] * 7, [0.0, 0.0, 6_000.0, 6_000.0] + [0.0] * 4, 10_000.0,
                       10_000.0, 0.0, 500.0, 24, "tiered", debt_free_years=4.0)
    flows, _ = project(plan)
    flows = replace(flows, loan=loan, loan_disbursed=loan.disbursed, loan_payment=loan.payments,
                    net_financed=[n + d - p for n, d, p in
                                  zip(flows.net, loan.disbursed, loan.payments, strict=True)])
    m = M.measure(plan, flows, flows)
    own = [0.0, -10_000.0, -1_000.0, -1_000.0, 5_000.0, 5_000.0, 5_000.0, 5_000.0]
    assert flows.net_financed == own
    assert m.financed_low_point == -12_000.0 and m.financed_low_point_years == 4.0
    assert m.financed_back_to_even_years == pytest.approx(6.4)
    assert m.npv_financed == pytest.approx(npf.npv(0.03, own))
    assert m.npv == pytest.approx(npf.npv(0.03, [-10_000, -10_000] + [5_000] * 6))
    assert m.debt_free_years == 4.0


@st.composite
def borrowers(draw):
    """A person who may borrow, on any open pathway, at a loan rate >= the discount rate."""
    education = draw(st.sampled_from([Education.high_school, Education.associate,
                                      Education.bachelor]))
    scenario = Scenario(
        age=draw(st.integers(18, 55)), education=education,
        institution=draw(st.sampled_from(Institution)),
        study_mode=draw(st.sampled_from([StudyMode.full_time, StudyMode.part_time])),
        current_salary=draw(st.floats(0, 90_000)),
        salary_kept_share=draw(st.sampled_from([None, 0.0, 0.5, 1.0])),
        discount_rate=draw(st.floats(0.0, 0.06)),
        loan_plan=draw(st.sampled_from(["tiered", "standard-10", "rap"])),
    )
    pid = draw(st.sampled_from(
        [p for p, rec in shipped().get("pathways").items() if education in rec.requires_education]))
    return scenario, pid, draw(st.floats(500, 30_000))


@PROPERTY
@given(case=borrowers())
def test_borrowing_never_improves_the_headline(case) -> None:
    """At a loan rate at or above the discount rate (every 2026-27 federal rate is >= 6.39 %;
    the discount rates drawn are <= 6 %), borrowing never shortens payback, never raises IRR
    and never raises NPV. (The financed NPV may rise a little: a subsidized loan is interest-free
    in school and grace, which is worth something at a 3 % discount rate.)"""
    scenario, pid, borrow = case
    data = shipped()
    try:
        plain = evaluate(make_plan(data, scenario, pid))[0]
    except Exception:
        assume(False)
    loaned = evaluate(make_plan(data, scenario.model_copy(update={"borrow": borrow}), pid))[0]
    inf = math.inf
    assert (loaned.payback_years or inf) >= (plain.payback_years or inf)
    assert (loaned.irr if loaned.irr is not None else -inf) <= (
        plain.irr if plain.irr is not None else inf)
    assert loaned.npv <= plain.npv


# --------------------------------------------------------------------------- §3 IRR


def test_case_1_irr_is_not_a_return() -> None:
    """A stream that brings money first and costs later has an NPV that *rises* with the rate:
    [+10,000, -6,000, -6,000] is a loan costing 13.07 % (numpy-financial finds the root), so
    `irr` withholds it with status "borrowing" instead of reporting a 13 % return."""
    flows = [10_000.0, -6_000.0, -6_000.0]
    root = float(npf.irr(flows))
    assert root == pytest.approx(0.1306623863, rel=1e-8)
    assert npf.npv(root - 0.01, flows) < 0 < npf.npv(root + 0.01, flows)  # rising
    assert finance.irr(flows) == (None, "borrowing")
    investment = [-10_000.0, 6_000.0, 6_000.0]  # the mirror image: a 13.07 % return
    rate, status = finance.irr(investment)
    assert status == "ok" and rate == pytest.approx(root, rel=1e-9)


def test_borrowing_shaped_series_never_ranks_by_irr() -> None:
    """`--sort irr` ranks only returns: a null IRR (any status) sorts after every number."""
    rows = _json("compare", "coding-certificate", "associate-hit", "bachelor-him",
                 "--current-salary", "52000", "--study-mode", "part_time", "--salary-kept", "1",
                 "--sort", "irr", "-f", "json")
    irrs = [r["irr"] for r in rows]
    numbers = [x for x in irrs if x is not None]
    assert irrs[: len(numbers)] == sorted(numbers, reverse=True)
    assert all(r["irr_status"] != "ok" for r in rows if r["irr"] is None)


# --------------------------------------------------------------------------- §4 PEP


def test_price_to_earnings_premium_is_null_without_a_premium() -> None:
    """With completion probability 0 nobody earns a premium 10 years after enrolling, so the
    price-to-earnings premium is null (it was 1.4 from a graduate's premium)."""
    [row] = _json("compare", "bachelor-him", "--completion-probability", "0",
                  "--no-tax-credits", "-f", "json")
    assert row["price_to_earnings_premium"] is None


def test_price_to_earnings_premium_over_all_enrollees() -> None:
    """Third Way's ratio on one basis: the completion-weighted net price (direct cost − aid,
    summed over the years) over the completion-weighted earnings premium in year 10 after
    enrolment, both read from `show`'s expected cash flows."""
    doc = _json("show", "coding-certificate", "--completion-risk", "-f", "json")
    flows = doc["cash_flows"]
    price = sum(r["direct_cost"] for r in flows) - sum(r["aid"] for r in flows)
    premium = flows[10]["earnings_with"] - flows[10]["earnings_without"]
    assert premium > 0
    assert doc["metrics"]["price_to_earnings_premium"] == pytest.approx(price / premium)


# --------------------------------------------------------------------------- §5 tax credits


def test_show_bachelor_credits_only_the_refundable_aotc() -> None:
    """A full-time bachelor's student with no earnings owes no income tax, so only the AOTC's
    refundable 40 % is paid: $1,000 a year, not $2,500."""
    doc = _json("show", "bachelor-him", "-f", "json")
    for row in doc["cash_flows"][:4]:
        assert row["earnings_with"] == 0.0
        assert row["aid"] == pytest.approx(0.4 * 2_500)


# --------------------------------------------------------------------------- §6 loan interest


def test_unpaid_interest_is_paid_first_and_earns_nothing() -> None:
    """$1,000 of principal and $100 of uncapitalized interest over 2 months at 1 % a month.

    Month 1 pays the month's 10.00 of interest and the 100 of unpaid interest first; the level
    payment M solves 1,000 − (M − 110) = M / 1.01 (the second month clears the rest):
    M = 1,110 / (1 + 1/1.01) = 557.7612; principal after month 1 = 552.2388; month 2 pays
    552.2388 × 1.01 = 557.7612. Capitalizing instead costs amortizing_payment(1,100) = 558.2612.
    """
    m = 1_110 / (1 + 1 / 1.01)
    schedule = L.amortize(1_000.0, 0.12, 2, unpaid_interest=100.0)
    first, second = schedule.rows
    assert first.payment == pytest.approx(m, rel=1e-12)
    assert first.interest == pytest.approx(110.0) and first.principal == pytest.approx(m - 110)
    assert second.payment == pytest.approx(m, rel=1e-12) and second.balance == 0.0
    capitalized = L.amortize(1_100.0, 0.12, 2)
    assert capitalized.rows[0].payment == pytest.approx(
        -float(npf.pmt(0.01, 2, 1_100.0)), rel=1e-12)
    assert capitalized.summary.total_paid > schedule.summary.total_paid


def test_georgetown_example_effect_of_capitalization() -> None:
    """The Georgetown example (docs/loans.md): $61,500 of principal and about $7,306 of interest
    at 5.28 % over 10 years. Capitalized, the level payment amortizes $68,806; uncapitalized, the
    $7,306 is paid first without interest, and the whole difference in total paid is a few
    hundred dollars: 0.44 % a month on 7,306 for the months it takes to clear it."""
    capitalized = L.amortize(61_500 + 7_306, 0.0528, 120)
    plain = L.amortize(61_500, 0.0528, 120, unpaid_interest=7_306)
    saving = capitalized.summary.total_paid - plain.summary.total_paid
    assert capitalized.summary.monthly_payment == pytest.approx(
        -float(npf.pmt(0.0528 / 12, 120, 68_806.0)), rel=1e-12)
    assert 150 < saving < 500
    assert plain.summary.total_paid == pytest.approx(
        sum(r.payment for r in plain.rows)) and plain.rows[-1].balance == 0.0


def test_tiered_term_from_principal() -> None:
    """$24,000 of principal with $2,000 of unpaid interest stays in the 10-year tier (the term
    is set by the principal); capitalized, the same debt would be $26,000 and take 15 years."""
    plans = {p.kind: p for p in shipped().get("repayment_plans").values()}
    tiered = plans["tiered_standard"]
    assert L.tiered_standard(24_000, 0.0639, tiered, unpaid_interest=2_000).summary.n_payments \
        == 120
    assert L.tiered_standard(26_000, 0.0639, tiered).summary.n_payments == 180


# --------------------------------------------------------------------------- §7 every CPU


def test_batch_equals_compare_with_wage_growth() -> None:
    """Issue 12 §7: batch and compare agree to the last bit with wage growth 1.3 % (batch used
    numpy's vectorised pow, which is not correctly rounded on AVX-512 CPUs)."""
    data = shipped()
    scenario = Scenario(wage_growth=0.013)
    for pid in ("coding-certificate", "associate-hit", "bachelor-him"):
        columns, errors = evaluate_tasks(data, [(scenario, pid)] * 3)
        assert errors == [None] * 3
        assert rows_of(columns)[0] == evaluate(make_plan(data, scenario, pid))[0].as_dict()


# --------------------------------------------------------------------------- properties


@PROPERTY
@given(case=borrowers())
def test_payback_null_exactly_when_position_ends_negative(case) -> None:
    """For any priced scenario, payback is None exactly when the cumulative economic position
    ends below zero."""
    scenario, pid, borrow = case
    try:
        metrics, flows = evaluate(make_plan(shipped(), scenario, pid))
    except Exception:
        assume(False)
    ends_negative = finance.cumulative(flows.net)[-1] < 0
    assert (metrics.payback_years is None) == ends_negative
