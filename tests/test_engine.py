"""The cash-flow engine: hand-worked examples, study modes, completion risk, invariants."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.plans import staged

from himcalc import loader
from himcalc.engine.cashflows import project
from himcalc.engine.metrics import evaluate
from himcalc.engine.plan import make_plan, open_pathways
from himcalc.engine.scenario import Scenario
from himcalc.errors import InputError
from himcalc.models.enums import Education, Institution, StudyMode


@pytest.fixture(scope="module")
def data():
    return loader.load()


@pytest.fixture(scope="module")
def simple(data):
    """A plan stripped to round numbers so that every flow can be worked by hand."""
    base = make_plan(data, Scenario(tax_credits=False), "associate-hit")
    return staged(
        base, horizon=6, years_to_complete=2.0, direct_cost_per_year=10_000.0, exam_fee=0.0,
        counterfactual=0.0, kept_share=0.0, stages=((0.0, 5_000.0),), wage_growth=0.0,
        tuition_growth=0.0, discount_rate=0.03, tax_rate=0.0, tax_credits=False,
        completion_probability=1.0,
    )


def test_issue_example_pays_back_at_six_years(simple):
    """A 2-year programme costing 10,000 a year, then gaining 5,000 a year, pays back at 6.0.

    net = -10,000, -10,000, 5,000, 5,000, 5,000, 5,000; cumulative = -10k, -20k, -15k, -10k,
    -5k, 0; the first year with cumulative >= 0 is k = 5, so payback = 5 + 5,000 / 5,000 = 6.0
    years from the start, i.e. 4.0 years after completion.
    """
    metrics, flows = evaluate(simple)
    assert flows.net == [-10_000, -10_000, 5_000, 5_000, 5_000, 5_000]
    assert metrics.payback_years == 6.0
    assert metrics.payback_after_completion == 4.0


def test_worked_example_with_forgone_earnings(simple):
    """One year of study at $5,000 forgoing $30,000, then $40,000 instead of $30,000 (docs example).

    net_0 = -30,000 - 5,000 = -35,000; net_1..4 = 40,000 - 30,000 = 10,000.
    cumulative: -35k, -25k, -15k, -5k, +5k -> k = 4, payback = 4 + 5,000 / 10,000 = 4.5.
    NPV at 3% = -35,000 + 10,000 x (1/1.03 + 1/1.03^2 + 1/1.03^3 + 1/1.03^4)
              = -35,000 + 10,000 x 3.7170984 = 2,170.98.
    """
    plan = staged(simple, horizon=5, years_to_complete=1.0, direct_cost_per_year=5_000.0,
                   counterfactual=30_000.0, stages=((0.0, 40_000.0),))
    metrics, flows = evaluate(plan)
    assert flows.net == pytest.approx([-35_000, 10_000, 10_000, 10_000, 10_000])
    assert metrics.payback_years == pytest.approx(4.5)
    assert metrics.npv == pytest.approx(2_170.98, abs=0.01)
    assert metrics.npv == pytest.approx(npf.npv(0.03, flows.net))
    assert metrics.opportunity_cost == 30_000
    assert metrics.total_cost == 35_000
    assert metrics.annual_premium == 10_000
    # IRR: -35,000 + 10,000 x annuity(r, 4) = 0 -> r ≈ 5.57 %, as numpy-financial finds.
    assert metrics.irr == pytest.approx(npf.irr(flows.net), abs=1e-9)


def test_fractional_year_is_split_between_study_and_career(simple):
    """A 20-month programme studies all of year 0 and 8/12 of year 1, then works 4/12 of it."""
    plan = replace(simple, years_to_complete=20 / 12, direct_cost_per_year=12_000.0)
    _, flows = evaluate(plan)
    assert flows.study_share[:3] == pytest.approx([1.0, 8 / 12, 0.0])
    assert flows.direct_cost[1] == pytest.approx(8_000.0)
    assert flows.earnings_with[1] == pytest.approx(5_000.0 * 4 / 12)


def test_career_track_stage_change(simple):
    """Wages follow the track: stage 2 starts `from_year` years after completion."""
    plan = staged(simple, horizon=8, stages=((0.0, 5_000.0), (3.0, 9_000.0)))
    _, flows = evaluate(plan)
    # completion at t = 2; stage 2 from t - 2 >= 3, i.e. t = 5.
    assert flows.earnings_with[2:8] == [5_000, 5_000, 5_000, 9_000, 9_000, 9_000]


def test_part_time_lowers_forgone_earnings(data):
    """Part-time study keeps part of the salary, so forgone earnings fall; study lasts longer."""
    full = evaluate(make_plan(data, Scenario(), "associate-hit"))[0]
    part = evaluate(make_plan(data, Scenario(study_mode=StudyMode.part_time), "associate-hit"))[0]
    assert part.opportunity_cost < full.opportunity_cost
    assert part.years_to_complete == pytest.approx(2 * full.years_to_complete)
    assert part.direct_cost == pytest.approx(full.direct_cost)


def test_accelerated_shortens_study(data):
    """The 20-month associate finishes in 20/12 years and forgoes less salary than 24 months."""
    fast = evaluate(make_plan(data, Scenario(study_mode=StudyMode.accelerated),
                              "associate-hit"))[0]
    assert fast.years_to_complete == pytest.approx(20 / 12)
    full = evaluate(make_plan(data, Scenario(), "associate-hit"))[0]
    assert fast.opportunity_cost < full.opportunity_cost


def test_accelerated_without_variant_is_an_input_error(data):
    """A pathway with no accelerated variant refuses the mode instead of guessing a length."""
    with pytest.raises(InputError, match="no accelerated variant"):
        make_plan(data, Scenario(study_mode=StudyMode.accelerated), "coding-certificate")


def test_master_counterfactual_is_bachelor_earnings(data):
    """A master's student's counterfactual is a bachelor's holder's: the BLS median (1,543 x
    52) at the 25-34 band's share of the all-ages median (0.763) for a 25-year-old; on the
    observed basis times Scorecard's high-school benchmark over the same figure for high
    school ($36,082 / ($930 x 52 x 0.909))."""
    occupation = make_plan(data, Scenario(education=Education.bachelor,
                                          earnings_basis="occupation"), "mha")
    assert occupation.counterfactual == pytest.approx(1_543 * 52 * 0.763)
    observed = make_plan(data, Scenario(education=Education.bachelor), "mha")
    assert observed.counterfactual == pytest.approx(
        1_543 * 52 * 0.763 * 36_082 / (930 * 52 * 0.909))


def test_bachelor_completion_needs_associate(data):
    """Bachelor's completion is open to associate holders only, and takes two years."""
    assert "bachelor-completion" in open_pathways(data, Education.associate)
    assert "bachelor-completion" not in open_pathways(data, Education.high_school)
    plan = make_plan(data, Scenario(education=Education.associate), "bachelor-completion")
    assert plan.years_to_complete == 2.0


def test_completion_risk_mixes_paths(data, simple):
    """With p = 0.5 each flow is the average of the completer's and the non-completer's."""
    plan = replace(simple, counterfactual=1_000.0, completion_probability=0.5,
                   noncompleter_years=1.0)
    expected, completer = project(plan)
    leaver, _ = project(staged(plan, completion_probability=1.0, years_to_complete=1.0,
                                stages=((0.0, 1_000.0),)))
    for t in range(plan.horizon):
        assert expected.net[t] == pytest.approx(0.5 * completer.net[t] + 0.5 * leaver.net[t])


def test_negative_premium_is_kept(simple):
    """A credential that lowers earnings counts its loss every year (no clipping at 0)."""
    plan = staged(simple, counterfactual=10_000.0, stages=((0.0, 8_000.0),))
    metrics, flows = evaluate(plan)
    assert flows.net[3] == pytest.approx(-2_000.0)
    assert metrics.payback_years is None
    assert metrics.irr is None and metrics.irr_status == "no_sign_change"


def test_aotc_rules(simple):
    """AOTC = 100% of the first $2,000 + 25% of the next $2,000, phased out $80k-$90k MAGI.

    The student keeps a $40,000 salary, so the year's federal tax (taxable 40,000 − 16,100 =
    23,900: 10 % of 12,400 + 12 % of 11,500 = 2,620) covers the non-refundable $1,500.
    """
    plan = replace(simple, tax_credits=True, aotc_years=4, direct_cost_per_year=4_000.0,
                   kept_share=1.0, counterfactual=40_000.0)
    _, flows = evaluate(plan)
    assert flows.aid[0] == pytest.approx(2_500.0)  # 2,000 + 0.25 x 2,000
    rich = replace(plan, counterfactual=85_000.0)
    _, flows = evaluate(rich)
    assert flows.aid[0] == pytest.approx(1_250.0)  # half-way through the phase-out


@pytest.mark.parametrize(("earnings", "expected"), [
    (0.0, 1_000.0),  # no tax owed: only the refundable 40 % of 2,500
    (20_000.0, 1_390.0),  # taxable 3,900 -> tax 390: 1,000 + 390
    (40_000.0, 2_500.0),  # tax 2,620 covers the non-refundable 1,500
])
def test_aotc_beyond_its_refundable_part_needs_tax_owed(simple, earnings, expected):
    """Only 40 % of the AOTC is refundable; the rest offsets the year's federal income tax on
    the student's earnings (2026 single filer: $16,100 standard deduction, 10 % to $12,400, 12 %
    to $50,400; IRS Rev. Proc. 2025-32), worked by hand in each case."""
    plan = replace(simple, tax_credits=True, aotc_years=4, direct_cost_per_year=4_000.0,
                   kept_share=1.0, counterfactual=earnings)
    _, flows = evaluate(plan)
    assert flows.aid[0] == pytest.approx(expected)


@pytest.mark.parametrize(("earnings", "expected"), [
    (0.0, 0.0),  # the LLC is not refundable: nothing without tax owed
    (30_000.0, 1_420.0),  # taxable 13,900 -> 1,240 + 12 % of 1,500 = 1,420 < 2,000
    (60_000.0, 2_000.0),  # taxable 43,900 -> 5,356: the full 2,000
])
def test_llc_is_capped_by_tax_owed(simple, earnings, expected):
    """The Lifetime Learning Credit (20 % of up to $10,000) only offsets federal income tax,
    so a student earning little gets less of it (hand-worked with the 2026 brackets)."""
    plan = replace(simple, tax_credits=True, aotc_years=0, direct_cost_per_year=12_000.0,
                   kept_share=1.0, counterfactual=earnings)
    _, flows = evaluate(plan)
    assert flows.aid[0] == pytest.approx(expected)


def test_llc_rules(simple):
    """The LLC is 20% of up to $10,000 of expenses: $12,000 of tuition gives $2,000 (to a
    student whose $60,000 salary owes more than that in tax)."""
    plan = replace(simple, tax_credits=True, aotc_years=0, direct_cost_per_year=12_000.0,
                   kept_share=1.0, counterfactual=60_000.0)
    _, flows = evaluate(plan)
    assert flows.aid[0] == pytest.approx(2_000.0)


def test_employer_assistance_capped_at_section_127(data):
    """Employer assistance above $5,250 a year is capped unless the cap is switched off."""
    capped = make_plan(data, Scenario(employer_assistance=9_000), "bachelor-him")
    assert capped.assistance_per_year == 5_250
    free = make_plan(data, Scenario(employer_assistance=9_000, cap_employer_assistance=False),
                     "bachelor-him")
    assert free.assistance_per_year == 9_000


def test_npv_at_zero_discount_is_sum(data):
    """npv(d = 0) == sum(net), the definition's degenerate case."""
    plan = make_plan(data, Scenario(discount_rate=0.0), "bachelor-him")
    metrics, flows = evaluate(plan)
    assert metrics.npv == pytest.approx(sum(flows.net))


def test_cew_horizons(data):
    """NPV at 10 years is the NPV of the first ten flows; longer than the horizon is None."""
    plan = make_plan(data, Scenario(horizon=12), "associate-hit")
    metrics, flows = evaluate(plan)
    assert metrics.npv_10 == pytest.approx(npf.npv(plan.discount_rate, flows.net[:10]))
    assert metrics.npv_15 is None


def test_borrowing_reaches_the_financed_view_only(data):
    """Borrowing gives debt, a monthly payment and a financed view whose NPV is below the
    economic NPV (the 2026-27 loan rate, 6.39 %+, is above the 3 % discount rate), while the
    headline metrics, computed on the economic flows, do not move."""
    plain = evaluate(make_plan(data, Scenario(), "bachelor-him"))[0]
    loaned = evaluate(make_plan(data, Scenario(borrow=5_000), "bachelor-him"))[0]
    assert loaned.debt_at_repayment > 20_000
    assert loaned.monthly_payment > 0
    assert loaned.npv_financed < loaned.npv == plain.npv
    assert (loaned.payback_years, loaned.irr) == (plain.payback_years, plain.irr)
    assert plain.npv_financed == plain.npv and plain.debt_free_years == 0.0


@pytest.mark.parametrize("education", list(Education))
@pytest.mark.parametrize("institution", list(Institution))
def test_every_open_pathway_evaluates(data, education, institution):
    """Every shipped pathway open to each education gives finite metrics (or None, never NaN)."""
    for pid in open_pathways(data, education):
        scenario = Scenario(education=education, institution=institution)
        metrics, _ = evaluate(make_plan(data, scenario, pid))
        for key, value in metrics.as_dict().items():
            if isinstance(value, float):
                assert math.isfinite(value), key


premium = st.floats(min_value=-20_000, max_value=60_000, allow_nan=False)
cost = st.floats(min_value=0, max_value=80_000, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(wage=st.floats(10_000, 150_000), cf=st.floats(0, 100_000), c=cost, extra=cost)
def test_raising_tuition_never_shortens_payback(simple, wage, cf, c, extra):
    """More direct cost can only delay payback (None counts as longest)."""
    base = staged(simple, horizon=40, counterfactual=cf, stages=((0.0, wage),))
    a = evaluate(replace(base, direct_cost_per_year=c))[0].payback_years
    b = evaluate(replace(base, direct_cost_per_year=c + extra))[0].payback_years
    assert b is None or (a is not None and b >= a - 1e-9)


@settings(max_examples=150, deadline=None)
@given(wage=st.floats(10_000, 150_000), raise_=st.floats(0, 50_000), c=cost)
def test_raising_premium_never_lengthens_payback(simple, wage, raise_, c):
    """A higher post-study wage can only bring payback forward."""
    base = replace(simple, horizon=40, counterfactual=30_000.0, direct_cost_per_year=c)
    a = evaluate(staged(base, stages=((0.0, wage),)))[0].payback_years
    b = evaluate(staged(base, stages=((0.0, wage + raise_),)))[0].payback_years
    assert a is None or (b is not None and b <= a + 1e-9)


@settings(max_examples=100, deadline=None)
@given(wage=st.floats(10_000, 150_000), c=cost, d=st.floats(0, 0.2))
def test_npv_irr_consistent(simple, wage, c, d):
    """npv(irr) ≈ 0 whenever an IRR exists, and npv matches numpy-financial."""
    plan = staged(simple, horizon=40, counterfactual=30_000.0, direct_cost_per_year=c,
                   stages=((0.0, wage),), discount_rate=d)
    metrics, flows = evaluate(plan)
    assert metrics.npv == pytest.approx(npf.npv(d, flows.net), rel=1e-9, abs=1e-6)
    if metrics.irr is not None:
        assert npf.npv(metrics.irr, flows.net) == pytest.approx(0.0, abs=1e-4)


def test_premium_at_or_below_zero_gives_no_payback(simple):
    """A premium <= 0 forever gives payback None rather than an error or a loop."""
    plan = replace(simple, counterfactual=5_000.0)  # the wage with the credential is 5,000 too
    metrics, _ = evaluate(plan)
    assert metrics.payback_years is None
    assert metrics.discounted_payback_years is None


def test_exam_fee_falls_in_the_year_study_ends(simple):
    """The exam is taken when study ends: a horizon that stops earlier never includes its fee."""
    plan = replace(simple, exam_fee=299.0)
    _, flows = evaluate(plan)
    assert flows.direct_cost[:3] == [10_000.0, 10_299.0, 0.0]
    _, short = evaluate(replace(plan, horizon=1))
    assert short.direct_cost == [10_000.0]


def test_aotc_then_llc(simple):
    """After the AOTC's years run out, later study years get the LLC (20% of up to $10,000).

    One AOTC year left, $4,000 a year, a $40,000 salary kept (tax 2,620 a year covers both):
    year 0 gets 2,000 + 0.25 x 2,000 = $2,500 (AOTC), year 1 gets 0.20 x 4,000 = $800 (LLC).
    """
    plan = replace(simple, tax_credits=True, aotc_years=1, direct_cost_per_year=4_000.0,
                   kept_share=1.0, counterfactual=40_000.0)
    _, flows = evaluate(plan)
    assert flows.aid[:2] == pytest.approx([2_500.0, 800.0])


def test_bachelor_holder_gets_no_aotc(data):
    """A bachelor's holder has used the AOTC's four years: a certificate earns the LLC only."""
    plan = make_plan(data, Scenario(education=Education.bachelor, current_salary=40_000,
                                    salary_kept_share=1.0), "coding-certificate")
    assert plan.aotc_years == 0
    _, flows = evaluate(plan)
    # LLC: 20% of the $5,670 of tuition, fees and books of the year (the exam fee is not
    # a qualified expense) = $1,134, within the year's tax on $40,000 ($2,620).
    assert flows.aid[0] == pytest.approx(0.2 * (4_150 + 1_520))
