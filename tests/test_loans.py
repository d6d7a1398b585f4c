"""Tests of the federal Direct Loan models, dataset and engine (himcalc.engine.loans).

Expected numbers come from three kinds of source, named in each docstring: the closed-form
annuity payment as computed independently by `numpy_financial.pmt` (which returns the payment
as a *negative* cash flow, hence the minus signs), published worked examples, and the
regulation's own thresholds (34 CFR 685.208/685.209 as revised by the May 1, 2026 final rule).
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy_financial as npf
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from himcalc.engine.loans import (
    Disbursement,
    accrue,
    accrued_interest,
    add_months,
    amortize,
    amortizing_payment,
    borrowing_plan,
    rap_monthly_payment,
    rap_schedule,
    repayment_start,
    semester_disbursements,
    standard_10,
    tiered_standard,
    tiered_standard_term_months,
)
from himcalc.models.common import Source
from himcalc.models.loans import (
    LoanLimit,
    LoanRate,
    RapBand,
    RapPlan,
    RepaymentPlan,
    StandardPlan,
    TieredStandardPlan,
    TieredStandardTier,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "federal_loans.yaml"
SRC = Source(title="test source", url="https://example.org", year=2026)

# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def dataset() -> dict:
    with DATA.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def plans(dataset: dict) -> dict[str, object]:
    parsed = TypeAdapter(list[RepaymentPlan]).validate_python(dataset["repayment_plans"])
    return {p.id: p for p in parsed}


@pytest.fixture(scope="module")
def rap(plans: dict) -> RapPlan:
    plan = plans["rap-2026"]
    assert isinstance(plan, RapPlan)
    return plan


@pytest.fixture(scope="module")
def tiered(plans: dict) -> TieredStandardPlan:
    plan = plans["tiered-standard-2026"]
    assert isinstance(plan, TieredStandardPlan)
    return plan


@pytest.fixture(scope="module")
def limits(dataset: dict) -> list[LoanLimit]:
    return TypeAdapter(list[LoanLimit]).validate_python(dataset["loan_limits"])


# ----------------------------------------------------------------------------- dataset


def test_dataset_validates_with_models(dataset: dict) -> None:
    """Every record list of data/federal_loans.yaml parses with its model (loader stand-in)."""
    assert isinstance(dataset["dataset"], str)
    assert dataset["title"] and dataset["description"]
    rates = TypeAdapter(list[LoanRate]).validate_python(dataset["loan_rates"])
    lims = TypeAdapter(list[LoanLimit]).validate_python(dataset["loan_limits"])
    plans = TypeAdapter(list[RepaymentPlan]).validate_python(dataset["repayment_plans"])
    assert len(rates) == 24 and len(lims) == 7 and len(plans) == 3
    ids = [r.id for r in (*rates, *lims, *plans)]
    assert len(ids) == len(set(ids)), "record ids must be unique"


def test_dataset_rate_windows_do_not_overlap(dataset: dict) -> None:
    """Each loan type has exactly one rate for any disbursement day (cohorts are disjoint)."""
    rates = TypeAdapter(list[LoanRate]).validate_python(dataset["loan_rates"])
    for loan_type in ("undergraduate", "graduate", "parent_plus", "grad_plus"):
        windows = sorted(
            (r.first_disbursed_from, r.first_disbursed_to)
            for r in rates
            if r.loan_type == loan_type
        )
        for (_, end), (start, _) in zip(windows, windows[1:], strict=False):
            assert start > end


def test_dataset_2025_26_rates_match_published(dataset: dict) -> None:
    """2025-26 rates are 6.39 / 7.94 / 8.94 % (10-year T-note 4.34 % + 2.05 / 3.60 / 4.60)."""
    rates = TypeAdapter(list[LoanRate]).validate_python(dataset["loan_rates"])
    day = date(2025, 9, 1)
    got = {r.loan_type: r.annual_rate for r in rates if r.covers(day)}
    assert got == pytest.approx(
        {"undergraduate": 0.0639, "graduate": 0.0794, "parent_plus": 0.0894, "grad_plus": 0.0894}
    )


def test_dataset_rap_values_are_the_statutory_ones(rap: RapPlan) -> None:
    """RAP in the dataset: 1..10 % bands every $10,000, $120 flat, $10 floor, $50, 30 years."""
    assert [b.agi_above for b in rap.bands] == [10_000.0 * k for k in range(1, 11)]
    assert [b.percent for b in rap.bands] == pytest.approx([k / 100 for k in range(1, 11)])
    assert rap.flat_annual_payment == 120
    assert rap.minimum_monthly_payment == 10
    assert rap.per_dependent_monthly_reduction == 50
    assert rap.principal_match_max_monthly == 50
    assert rap.forgiveness_months == 360
    assert rap.interest_waived is True


# ----------------------------------------------------------------------------- models


def test_tiers_must_be_ordered() -> None:
    """Unordered Tiered Standard tiers are rejected, so a typo cannot silently pick a term."""
    with pytest.raises(ValidationError):
        TieredStandardPlan(
            id="bad",
            source=SRC,
            tiers=[
                TieredStandardTier(balance_below=50_000, term_years=15),
                TieredStandardTier(balance_below=25_000, term_years=10),
                TieredStandardTier(balance_below=None, term_years=25),
            ],
        )


def test_tiers_need_open_top() -> None:
    """A Tiered Standard plan with a bounded last tier is rejected (large balances need a term)."""
    with pytest.raises(ValidationError):
        TieredStandardPlan(
            id="bad", source=SRC, tiers=[TieredStandardTier(balance_below=25_000, term_years=10)]
        )


def test_rap_bands_must_be_ordered() -> None:
    """RAP bands out of AGI order are rejected."""
    with pytest.raises(ValidationError):
        RapPlan(
            id="bad",
            source=SRC,
            bands=[
                RapBand(agi_above=20_000, percent=0.02),
                RapBand(agi_above=10_000, percent=0.01),
            ],
            flat_annual_payment=120,
            minimum_monthly_payment=10,
            per_dependent_monthly_reduction=50,
            principal_match_max_monthly=50,
            forgiveness_years=30,
            interest_waived=True,
        )


@pytest.mark.parametrize("years", [0, -5])
def test_durations_must_be_positive(years: int) -> None:
    """A non-positive term or forgiveness period is rejected (it would divide by zero)."""
    with pytest.raises(ValidationError):
        StandardPlan(id="bad", source=SRC, term_years=years)
    with pytest.raises(ValidationError):
        TieredStandardTier(balance_below=None, term_years=years)


def test_repayment_plan_discriminator() -> None:
    """The `kind` field selects the plan model, and an unknown kind is an error."""
    adapter = TypeAdapter(RepaymentPlan)
    plan = adapter.validate_python(
        {"id": "s", "kind": "standard", "source": SRC.model_dump(mode="json")}
    )
    assert isinstance(plan, StandardPlan) and plan.minimum_monthly_payment == 50
    with pytest.raises(ValidationError):
        adapter.validate_python({"id": "x", "kind": "save", "source": SRC.model_dump(mode="json")})


def test_loan_limit_consistency() -> None:
    """A subsidized cap above the total cap is rejected."""
    with pytest.raises(ValidationError):
        LoanLimit(
            id="bad",
            source=SRC,
            level="undergraduate",
            dependency="dependent",
            year_in_school=1,
            annual_total=3_000,
            annual_subsidized_max=3_500,
            aggregate_total=31_000,
            aggregate_subsidized_max=23_000,
            effective_from=date(2025, 7, 1),
        )


def test_loan_rate_window_ordered() -> None:
    """A rate window that ends before it starts is rejected."""
    with pytest.raises(ValidationError):
        LoanRate(
            id="bad",
            source=SRC,
            loan_type="undergraduate",
            first_disbursed_from=date(2026, 7, 1),
            first_disbursed_to=date(2025, 6, 30),
            annual_rate=0.05,
            origination_fee=0.01057,
        )


# ----------------------------------------------------------------------------- amortisation


@pytest.mark.parametrize(
    ("principal", "rate", "months"),
    [
        (10_000, 0.0639, 120),
        (37_000, 0.0652, 180),
        (82_000, 0.0807, 240),
        (150_000, 0.0907, 300),
        (5_500, 0.0373, 120),
    ],
)
def test_payment_matches_numpy_financial(principal: float, rate: float, months: int) -> None:
    """Level payment equals -numpy_financial.pmt(rate/12, n, P) (npf returns a negative flow)."""
    expected = -npf.pmt(rate / 12, months, principal)
    schedule = amortize(principal, rate, months)
    assert schedule.summary.monthly_payment == pytest.approx(expected, rel=1e-12)
    assert schedule.summary.n_payments == months
    assert schedule.summary.total_paid == pytest.approx(expected * months, rel=1e-10)
    assert schedule.summary.total_interest == pytest.approx(expected * months - principal, rel=1e-9)


def test_published_deferment_chart_standard_payments() -> None:
    """ED deferment-form capitalization chart: $15,000 at 9 % over 120 months costs $190.01/month.

    Source: the "Capitalization" chart printed on U.S. Department of Education FFEL/Direct
    Loan deferment request forms ($15,000 at 9 %, 12-month deferment): interest paid ->
    $190.01 x 120, total repaid $24,151.64 including the $1,350 of interest paid during the
    deferment (so $22,801.64 of payments); interest capitalized -> $16,350.00 principal,
    $207.11 a month, $24,853.79 repaid. The form was read through verbatim reproductions.
    """
    paid = amortize(15_000, 0.09, 120).summary
    assert round(paid.monthly_payment, 2) == 190.01
    assert paid.total_paid + 1_350 == pytest.approx(24_151.64, abs=0.01)
    capitalized = amortize(16_350, 0.09, 120).summary
    assert round(capitalized.monthly_payment, 2) == 207.11
    assert capitalized.total_paid == pytest.approx(24_853.79, abs=0.05)


def test_published_chart_twelve_months_simple_interest() -> None:
    """Same chart: 12 months of simple interest on $15,000 at 9 % is $1,350.00 (no compounding)."""
    ds = [Disbursement(date(2025, 1, 1), 15_000)]
    assert accrued_interest(ds, 0.09, date(2026, 1, 1)) == pytest.approx(1_350.0)


def test_published_capitalization_example_georgetown() -> None:
    """Georgetown J. Poverty Law & Policy example: 3 years x $20,500 at 5.28 % accrue $7,306.

    Source: J. Huston, "Eliminating Interest Capitalization on Student Loans is a Win for
    Borrowers", Georgetown Journal on Poverty Law & Policy blog, Feb 7, 2022
    (https://www.law.georgetown.edu/poverty-journal/blog/eliminating-interest-capitalization-on-student-loans-is-a-win-for-borrowers/):
    even disbursements at the start of fall and spring for three years plus the six-month
    grace period accrue $7,306 (= $10,250 x 5.28 % x (3.5+3+2.5+2+1.5+1) years), and
    capitalizing it adds about $2,114 of interest over a 10-year plan. Semesters are six
    months apart and repayment starts 42 months after the first disbursement; counting
    actual days / 365 (a leap day, half-years of 181-184 days) instead of their exact
    year fractions puts us within 0.3 %.
    """
    start = date(2021, 8, 15)
    ds = semester_disbursements(start, [20_500] * 3, second_half_after_months=6)
    interest = accrued_interest(ds, 0.0528, add_months(start, 42))
    assert interest == pytest.approx(7_306, rel=3e-3)
    extra = amortize(7_306, 0.0528, 120).summary.total_interest
    assert extra == pytest.approx(2_114, abs=1.0)


def test_zero_rate_is_straight_line() -> None:
    """At 0 % each payment is principal / n and nothing is NaN (the annuity divides by 0)."""
    s = amortize(12_000, 0.0, 120)
    assert s.summary.monthly_payment == pytest.approx(100.0)
    assert s.summary.total_interest == 0.0
    assert all(math.isfinite(r.payment) for r in s.rows)
    assert s.rows[-1].balance == 0.0


def test_zero_balance_is_empty() -> None:
    """A $0 loan has no payments and zero totals on every plan (not an error)."""
    for s in (
        amortize(0, 0.06, 120),
        standard_10(0, 0.06),
    ):
        assert s.rows == () and s.summary.n_payments == 0 and s.summary.total_paid == 0


def test_zero_balance_rap_and_tiered(rap: RapPlan, tiered: TieredStandardPlan) -> None:
    """RAP and Tiered Standard on a $0 balance also return an empty schedule."""
    assert rap_schedule(0, 0.06, 50_000, 0, rap).summary.n_payments == 0
    assert tiered_standard(0, 0.06, tiered).summary.total_paid == 0


def test_balance_below_minimum_is_one_payment() -> None:
    """$30 at 6 % with a $50 minimum is paid off at once: $30 plus one month's interest ($0.15)."""
    s = amortize(30, 0.06, 120, minimum_payment=50)
    assert s.summary.n_payments == 1
    assert s.rows[0].payment == pytest.approx(30.15)
    assert s.rows[0].balance == 0.0


def test_minimum_payment_shortens_term() -> None:
    """$1,000 at 0 % on the legacy standard plan pays the $50 minimum, so it takes 20 months."""
    s = standard_10(1_000, 0.0)
    assert s.summary.n_payments == 20
    assert all(r.payment == pytest.approx(50.0) for r in s.rows)


def test_keep_rows_false_same_summary() -> None:
    """Skipping the rows (the fast path) changes nothing in the summary."""
    assert (
        amortize(25_000, 0.0652, 180, keep_rows=False).summary
        == amortize(25_000, 0.0652, 180).summary
    )


@settings(max_examples=200, deadline=None)
@given(
    principal=st.floats(min_value=0.01, max_value=500_000),
    rate=st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=0.15)),
    months=st.integers(min_value=1, max_value=360),
    minimum=st.sampled_from([0.0, 10.0, 50.0]),
)
def test_schedule_invariants(principal: float, rate: float, months: int, minimum: float) -> None:
    """For any loan the principal column sums to the loan and the final balance is exactly 0."""
    s = amortize(principal, rate, months, minimum)
    assert s.rows[-1].balance == 0.0
    assert sum(r.principal for r in s.rows) == pytest.approx(principal, rel=1e-9, abs=1e-6)
    assert s.summary.n_payments <= months
    assert s.summary.total_paid == pytest.approx(principal + s.summary.total_interest, rel=1e-9)
    if minimum == 0.0:
        assert s.summary.monthly_payment == pytest.approx(
            -npf.pmt(rate / 12, months, principal), rel=1e-9
        )


@pytest.mark.parametrize("bad", [(-1, 0.05, 120), (100, -0.01, 120), (100, 0.05, 0)])
def test_amortize_rejects_nonsense(bad: tuple[float, float, int]) -> None:
    """Negative principal or rate, or a zero term, is a caller error, not a silent result."""
    with pytest.raises(ValueError):
        amortize(*bad)


def test_amortizing_payment_worked_example_ten_year_loan() -> None:
    """$10,000 at 6 % a year (0.5 % a month) over 120 months costs $111.02 a month.

    i = 0.005, n = 120: 1.005**120 = 1.8193967..., so 1 - 1.005**-120 = 0.4503673;
    payment = 10,000 * 0.005 / 0.4503673 = 50 / 0.4503673 = 111.0205...
    """
    assert round(amortizing_payment(10_000.0, 0.06, 120), 2) == 111.02
    assert amortizing_payment(10_000.0, 0.06, 120) == pytest.approx(
        -npf.pmt(0.005, 120, 10_000.0), rel=1e-13)


def test_amortizing_payment_edge_cases() -> None:
    """rate 0 divides evenly (no 0/0), a monthly rate of 1e-12 still gives principal/n to full
    precision (log1p/expm1, where the textbook formula cancels), a rate near -100 % a month
    does not overflow, and a very long term tends to interest-only (10 x 0.5)."""
    assert amortizing_payment(1_000.0, 0.0, 4) == 250.0
    assert amortizing_payment(1_000.0, 12e-12, 360) == pytest.approx(
        1_000.0 / 360 * (1 + 1e-12 * 361 / 2))
    assert amortizing_payment(100.0, -0.999 * 12, 10_000) == pytest.approx(0.0, abs=1e-300)
    assert amortizing_payment(10.0, 6.0, 100_000) == 5.0


def test_amortizing_payment_zero_principal() -> None:
    """The payment on nothing is $0."""
    assert amortizing_payment(0, 0.05, 120) == 0.0


# ----------------------------------------------------------------------------- tiered standard


@pytest.mark.parametrize(
    ("balance", "months"),
    [
        (0.0, 120),
        (24_999.99, 120),
        (25_000.0, 180),
        (49_999.99, 180),
        (50_000.0, 240),
        (99_999.99, 240),
        (100_000.0, 300),
        (400_000.0, 300),
    ],
)
def test_tiered_standard_boundaries(
    tiered: TieredStandardPlan, balance: float, months: int
) -> None:
    """Tier edges: "less than $25,000" is 10 y, "$25,000 or more but less than $50,000" 15 y, etc.

    Source: 34 CFR 685.208(c)(1)(iii) as revised by 91 Fed. Reg. 23768 (May 1, 2026); a
    balance exactly on a boundary takes the longer term.
    """
    assert tiered_standard_term_months(balance, tiered) == months


def test_tiered_standard_payment(tiered: TieredStandardPlan) -> None:
    """$37,000 at 6.52 % repays over 15 years at -pmt(0.0652/12, 180, 37000) a month."""
    s = tiered_standard(37_000, 0.0652, tiered)
    assert s.summary.n_payments == 180
    assert s.summary.monthly_payment == pytest.approx(-npf.pmt(0.0652 / 12, 180, 37_000))


def test_tiered_standard_small_balance_uses_minimum(tiered: TieredStandardPlan) -> None:
    """$3,000 at 6.52 %: the 10-year payment ($34.07) is below $50, so $50 is paid, fewer months."""
    s = tiered_standard(3_000, 0.0652, tiered)
    assert s.summary.monthly_payment == pytest.approx(50.0)
    assert s.summary.n_payments < 120


# ----------------------------------------------------------------------------- RAP payment


@pytest.mark.parametrize(
    ("agi", "dependents", "monthly"),
    [
        (55_000, 0, 229.17),  # 5 % x 55,000 / 12
        (50_000, 0, 166.67),  # exactly $50,000 is "not more than $50,000": 4 %
        (50_001, 0, 208.34),  # first dollar above: 5 % of the whole AGI
        (60_000, 2, 150.00),  # 5 % -> $250 minus 2 x $50
        (100_000, 0, 750.00),  # 9 %
        (100_001, 0, 833.34),  # 10 %
        (10_000, 0, 10.00),  # $120 a year flat
        (15_000, 0, 12.50),  # 1 %
        (30_000, 1, 10.00),  # 2 % -> $50 - $50 = 0 -> $10 floor
        (0, 0, 10.00),  # no income: the floor
        (-5_000, 3, 10.00),  # negative AGI (losses): the floor, no error
    ],
)
def test_rap_payment_examples(rap: RapPlan, agi: float, dependents: int, monthly: float) -> None:
    """RAP payment = band % of the whole AGI / 12 - $50 x dependents, at least $10.

    Source: 34 CFR 685.209(b)(2), (f)(5), (g)(3)(ii) as revised by 91 Fed. Reg. 23768
    (May 1, 2026): base payment for AGI "more than $40,000 and not more than $50,000" is
    4 %, for "more than $50,000 and not more than $60,000" 5 %, and so on. Hence AGI
    $50,000 pays 4 % ($166.67), not 5 % ($208.33); $208.33/month is what $50,000 at 5 %
    would give, which the rule reserves for AGI above $50,000.
    """
    assert rap_monthly_payment(agi, dependents, rap) == pytest.approx(monthly, abs=0.005)


def test_rap_negative_dependents_rejected(rap: RapPlan) -> None:
    """A negative dependent count is a caller error."""
    with pytest.raises(ValueError):
        rap_monthly_payment(50_000, -1, rap)


# ----------------------------------------------------------------------------- RAP schedule


def test_rap_zero_income_waives_interest_and_matches(rap: RapPlan) -> None:
    """AGI $0: pay $10; interest beyond it is waived and the match makes principal fall $10.

    $30,000 at 6 % accrues $150 a month; the $10 covers interest only, so the remaining
    $140 is waived and the Secretary reduces principal by min($50, $10) - $0 = $10. After
    360 payments $30,000 - 360 x $10 = $26,400 is forgiven.
    """
    s = rap_schedule(30_000, 0.06, 0, 0, rap)
    first = s.rows[0]
    assert first.payment == pytest.approx(10.0)
    assert first.interest == pytest.approx(10.0)
    assert first.interest_waived == pytest.approx(140.0)
    assert first.principal_match == pytest.approx(10.0)
    assert first.balance == pytest.approx(29_990.0)
    assert s.summary.n_payments == 360
    assert s.summary.forgiven == pytest.approx(30_000 - 3_600)
    assert s.summary.total_paid == pytest.approx(3_600)
    assert all(math.isfinite(r.balance) for r in s.rows)


def test_rap_principal_match_tops_up_to_fifty(rap: RapPlan) -> None:
    """$100 paid with $80 of interest reduces principal by $20; the match adds $30 (total $50).

    Source: RAP principal match (91 Fed. Reg. at 23843): if an on-time payment reduces
    principal by less than $50, principal is reduced by the lesser of $50 or the payment,
    minus the principal the payment covered.
    """
    # $16,000 at 6 % accrues $80/month; AGI $60,000 with 3 dependents: 5 % -> $250 - $150 = $100.
    s = rap_schedule(16_000, 0.06, 60_000, 3, rap)
    first = s.rows[0]
    assert first.payment == pytest.approx(100.0)
    assert first.interest == pytest.approx(80.0)
    assert first.principal == pytest.approx(20.0)
    assert first.principal_match == pytest.approx(30.0)
    assert first.interest_waived == 0.0
    assert first.balance == pytest.approx(16_000 - 50)


def test_rap_no_match_when_payment_covers_fifty_of_principal(rap: RapPlan) -> None:
    """When the payment already cuts principal by $50 or more, no match and no waiver are given."""
    s = rap_schedule(10_000, 0.06, 80_000, 0, rap)  # 7 % -> $466.67; interest $50
    assert s.summary.principal_matched == 0.0
    assert s.summary.interest_waived == 0.0
    assert s.summary.forgiven == 0.0
    assert s.rows[-1].balance == 0.0


def test_rap_high_income_pays_off_like_amortization(rap: RapPlan) -> None:
    """A RAP payment above the interest repays like a loan with that fixed payment.

    Cross-check: numpy_financial.nper gives the number of months a $466.67 payment needs
    on $10,000 at 6 %; the schedule pays off in ceil(nper) months.
    """
    payment = 0.07 * 80_000 / 12
    s = rap_schedule(10_000, 0.06, 80_000, 0, rap)
    expected_n = math.ceil(npf.nper(0.005, -payment, 10_000))
    assert s.summary.n_payments == expected_n
    assert sum(r.principal for r in s.rows) == pytest.approx(10_000)
    assert s.rows[-1].payment <= payment


def test_rap_agi_growth_steps_payment_yearly(rap: RapPlan) -> None:
    """With 20 % AGI growth the payment is recomputed every 12 months (annual recertification).

    Year 1: $45,000 is in the 4 % band ($150/month); year 2: $54,000 is in the 5 % band
    ($225/month).
    """
    s = rap_schedule(80_000, 0.0652, 45_000, 0, rap, agi_growth=0.20)
    assert s.rows[0].payment == pytest.approx(0.04 * 45_000 / 12)
    assert s.rows[11].payment == pytest.approx(s.rows[0].payment)
    assert s.rows[12].payment == pytest.approx(0.05 * 54_000 / 12)


@settings(max_examples=100, deadline=None)
@given(
    balance=st.floats(min_value=0.0, max_value=300_000),
    rate=st.floats(min_value=0.0, max_value=0.12),
    agi=st.floats(min_value=-10_000, max_value=400_000),
    dependents=st.integers(min_value=0, max_value=6),
)
def test_rap_invariants(
    rap: RapPlan, balance: float, rate: float, agi: float, dependents: int
) -> None:
    """RAP never lets the balance grow, stops by 360 payments, and accounts for every dollar."""
    s = rap_schedule(balance, rate, agi, dependents, rap, keep_rows=True)
    assert s.summary.n_payments <= 360
    prev = balance
    for row in s.rows:
        assert row.balance <= prev + 1e-9
        assert row.payment >= 0 and math.isfinite(row.payment)
        prev = row.balance
    repaid = sum(r.principal + r.principal_match for r in s.rows) + s.summary.forgiven
    assert repaid == pytest.approx(balance, rel=1e-9, abs=1e-6)


# ----------------------------------------------------------------------------- doctests


def test_engine_doctests() -> None:
    """The worked examples in the engine's docstrings hold (they are documentation, kept true)."""
    import doctest

    import himcalc.engine.loans as engine

    result = doctest.testmod(engine, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# ----------------------------------------------------------------------------- accrual


def test_subsidized_accrues_nothing() -> None:
    """Subsidized loans accrue no borrower interest in school and grace (the government pays)."""
    ds = [Disbursement(date(2026, 8, 25), 3_500, subsidized=True)]
    assert accrued_interest(ds, 0.0652, date(2030, 11, 16)) == 0.0


def test_accrual_day_count_and_capitalization() -> None:
    """$2,750 at 6.52 % from Aug 25, 2026 to Nov 16, 2030 accrues P x r x days / 365, capitalized.

    1,544 calendar days; with 365.25 (some servicers) the interest is 365/365.25 as large.
    """
    ds = [Disbursement(date(2026, 8, 25), 2_750)]
    start = date(2030, 11, 16)
    days = (start - date(2026, 8, 25)).days
    expected = 2_750 * 0.0652 * days / 365
    assert accrued_interest(ds, 0.0652, start) == pytest.approx(expected)
    assert accrued_interest(ds, 0.0652, start, days_in_year=365.25) == pytest.approx(
        expected * 365 / 365.25
    )
    r = accrue(ds, 0.0652, start)
    assert r.balance == pytest.approx(2_750 + expected)
    assert accrue(ds, 0.0652, start, capitalize=False).balance == pytest.approx(2_750)


def test_disbursement_after_repayment_start_accrues_nothing() -> None:
    """A disbursement dated on/after the start of repayment has no in-school interest."""
    ds = [Disbursement(date(2031, 1, 1), 1_000)]
    assert accrued_interest(ds, 0.05, date(2030, 11, 16)) == 0.0


def test_semester_disbursements_and_grace() -> None:
    """Each year is two equal halves 5 months apart; repayment starts 6 months after leaving."""
    ds = semester_disbursements(date(2026, 8, 25), [5_500, 0, 7_500])
    assert [(d.day, d.amount) for d in ds] == [
        (date(2026, 8, 25), 2_750),
        (date(2027, 1, 25), 2_750),
        (date(2028, 8, 25), 3_750),
        (date(2029, 1, 25), 3_750),
    ]
    assert repayment_start(date(2030, 5, 15)) == date(2030, 11, 16)


# ----------------------------------------------------------------------------- borrowing plan


def test_borrowing_plan_dependent_undergraduate(limits: list[LoanLimit]) -> None:
    """$10,000 a year for 4 years, dependent: federal caps 5.5k/6.5k/7.5k/7.5k, the rest private.

    Subsidized is the annual subsidized maximum (need assumed to cover it) and the fee is
    1.057 % of the federal gross, withheld from what the student receives.
    """
    plan = borrowing_plan(
        [10_000] * 4, limits, level="undergraduate", dependency="dependent", origination_fee=0.01057
    )
    assert [y.subsidized for y in plan.years] == [3_500, 4_500, 5_500, 5_500]
    assert [y.subsidized + y.unsubsidized for y in plan.years] == [5_500, 6_500, 7_500, 7_500]
    assert [y.private for y in plan.years] == [4_500, 3_500, 2_500, 2_500]
    assert plan.total_fees == pytest.approx(27_000 * 0.01057)
    assert plan.total_net_federal == pytest.approx(27_000 * (1 - 0.01057))


def test_borrowing_plan_aggregate_cap(limits: list[LoanLimit]) -> None:
    """With $28,000 already borrowed a dependent undergraduate adds only $3,000 (cap $31,000)."""
    plan = borrowing_plan(
        [7_500],
        limits,
        level="undergraduate",
        dependency="dependent",
        origination_fee=0.01057,
        first_year_in_school=4,
        prior_total=28_000,
        prior_subsidized=21_000,
    )
    y = plan.years[0]
    assert y.year_in_school == 3
    assert y.subsidized == 2_000  # $23,000 subsidized aggregate minus $21,000
    assert y.subsidized + y.unsubsidized == 3_000
    assert y.private == 4_500


def test_borrowing_plan_graduate_2026(limits: list[LoanLimit]) -> None:
    """Graduate from July 1, 2026: $20,500 a year unsubsidized, $100,000 aggregate, no subsidy."""
    plan = borrowing_plan(
        [30_000] * 5,
        limits,
        level="graduate",
        dependency="independent",
        origination_fee=0.01057,
        as_of=date(2026, 7, 1),
    )
    assert plan.total_subsidized == 0
    assert [y.unsubsidized for y in plan.years] == [20_500] * 4 + [18_000]
    assert plan.total_private == pytest.approx(150_000 - 100_000)


def test_borrowing_plan_no_need_no_subsidy(limits: list[LoanLimit]) -> None:
    """A student with no financial need gets the same federal total, all of it unsubsidized."""
    plan = borrowing_plan(
        [5_500],
        limits,
        level="undergraduate",
        dependency="dependent",
        origination_fee=0.01057,
        subsidized_eligible=[0.0],
    )
    assert plan.years[0].subsidized == 0 and plan.years[0].unsubsidized == 5_500


def test_borrowing_plan_no_limit_record(limits: list[LoanLimit]) -> None:
    """Asking for graduate limits before the 2026 record exists is an explicit error."""
    with pytest.raises(ValueError):
        borrowing_plan(
            [1_000],
            limits,
            level="graduate",
            dependency="independent",
            origination_fee=0.01057,
            as_of=date(2025, 9, 1),
        )
