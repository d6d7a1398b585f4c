"""Tests for `himcalc.engine.finance`: worked examples, numpy-financial cross-checks, properties.

numpy and numpy-financial are used here only as independent references; the module under test
is pure Python.
"""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from himcalc.engine.finance import (
    IRR_STATUSES,
    STATUS_MULTIPLE,
    STATUS_NO_SIGN_CHANGE,
    STATUS_NOT_FOUND,
    STATUS_OK,
    cumulative,
    discount,
    discounted_payback_years,
    irr,
    npv,
    payback_years,
)
from himcalc.engine.loans import amortizing_payment

SETTINGS = settings(max_examples=150, deadline=None)  # keeps the file at a few seconds

# --------------------------------------------------------------------------- strategies


def _money(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Amounts in whole cents: no 1e-250 "flows", whose roots pile up at rate -1 + 1e-250 where
    neither a float rate nor numpy's eigenvalue solver can resolve them."""
    floats = st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    return floats.map(lambda x: min(max(round(x, 2), lo), hi))


@st.composite
def education_flows(draw: st.DrawFn, max_len: int = 60) -> list[float]:
    """1-60 flows: 1-5 years of study (negative), then mostly-positive, sometimes negative years."""
    n_cost = draw(st.integers(1, 5))
    costs = draw(st.lists(_money(-1e5, -1.0), min_size=n_cost, max_size=n_cost))
    year = st.one_of(_money(1.0, 1e5), _money(-2e4, 1e5))  # a gain at least half the time
    later = draw(st.lists(year, max_size=max_len - n_cost))
    return costs + later


@st.composite
def conventional_flows(draw: st.DrawFn) -> list[float]:
    """1-5 negative years followed by 0-40 non-negative years (one sign change at most)."""
    n_cost = draw(st.integers(1, 5))
    costs = draw(st.lists(_money(-1e5, -1.0), min_size=n_cost, max_size=n_cost))
    gains = draw(st.lists(_money(0.0, 5e4), max_size=40))
    return costs + gains


# Small integers hit exact zeros, exact crossings and positive-first series far more often.
any_flows = st.lists(
    st.one_of(st.integers(-50, 50).map(float), _money(-1e5, 1e5)), min_size=0, max_size=30
)


def _rate(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_subnormal=False)


rates = _rate(-0.9, 1.0)


def _numpy_irrs(flows: list[float]) -> list[float]:
    """Every real IRR > -1 that numpy finds, selected exactly as numpy-financial's npf.irr does."""
    if not any(flows):
        return []
    roots = np.roots(np.asarray(flows[::-1], dtype=float))
    mask = (roots.imag == 0) & (roots.real > 0)
    return [float(1.0 / v - 1.0) for v in roots[mask].real]


def _as_years(result: float | None) -> float:
    """Payback with None ("never") ordered after every number."""
    return math.inf if result is None else result


# --------------------------------------------------------------------------- hand-worked examples


def test_payback_worked_example_two_year_programme() -> None:
    """A 2-year programme costing 10,000 a year, then gaining 5,000 a year, pays back at 6.0.

    Flows (year index t = 0, 1, 2, ...): -10,000, -10,000, +5,000, +5,000, +5,000, +5,000.
    Running total at the end of each year: cum = -10,000, -20,000, -15,000, -10,000, -5,000, 0.
    The first year index with cum >= 0 is k = 5; the position entering that year is
    cum(4) = -5,000 and the year's flow is net_5 = +5,000, accruing evenly over [5, 6).
    payback = k + (-cum(k-1)) / net_k = 5 + 5,000 / 5,000 = 6.0 years from the start of study,
    i.e. the end of year index 5, 6.0 - 2 = 4.0 years after the programme is completed.
    """
    flows = [-10_000.0, -10_000.0, 5_000.0, 5_000.0, 5_000.0, 5_000.0, 5_000.0]
    assert cumulative(flows)[:6] == [-10_000.0, -20_000.0, -15_000.0, -10_000.0, -5_000.0, 0.0]
    assert payback_years(flows) == 6.0
    assert payback_years(flows[:6]) == 6.0  # reaching exactly 0 in the last year counts
    assert payback_years(flows[:5]) is None  # still -5,000 at the end of the series


def test_payback_mid_year_interpolation() -> None:
    """Payback interpolates inside the crossing year: cum -100, -60, -20, +20 -> 3 + 20/40 = 3.5."""
    assert payback_years([-100.0, 40.0, 40.0, 40.0]) == 3.5


def test_npv_worked_example_three_flows_at_ten_percent() -> None:
    """NPV of -1,000, +500, +700 at 10 % is 4,000/121 = 33.0578...

    flows[0] is undiscounted: -1,000.
    500 / 1.1 = 5,000/11 = 454.5454...; 700 / 1.1**2 = 700 / 1.21 = 70,000/121 = 578.5124...
    Sum: -1,000 + 55,000/121 + 70,000/121 = (-121,000 + 125,000)/121 = 4,000/121 = 33.0578512...
    (Excel's NPV() would also discount the -1,000 and give 30.05; we follow numpy-financial.)
    """
    assert npv(0.10, [-1_000.0, 500.0, 700.0]) == pytest.approx(4_000 / 121, rel=1e-13)
    assert npf.npv(0.10, [-1_000.0, 500.0, 700.0]) == pytest.approx(4_000 / 121, rel=1e-13)


def test_irr_worked_example_ten_percent() -> None:
    """-1,000, +550, +605 has IRR exactly 10 %: 550/1.1 + 605/1.21 = 500 + 500 = 1,000."""
    rate, status = irr([-1_000.0, 550.0, 605.0])
    assert status == STATUS_OK
    assert rate == pytest.approx(0.10, abs=1e-12)


def test_irr_multiple_roots_gives_none() -> None:
    """-100, +230, -132 is zero at both 10 % and 20 % (-100 + 209.09 - 109.09 = 0 and
    -100 + 191.67 - 91.67 = 0), so there is no single IRR: (None, "multiple")."""
    assert npv(0.10, [-100.0, 230.0, -132.0]) == pytest.approx(0.0, abs=1e-9)
    assert npv(0.20, [-100.0, 230.0, -132.0]) == pytest.approx(0.0, abs=1e-9)
    assert irr([-100.0, 230.0, -132.0]) == (None, STATUS_MULTIPLE)


def test_irr_norstrom_alone_is_not_enough() -> None:
    """-1, +3, -1 has one sign change in its running totals (-1, 2, 1) yet two IRRs.

    NPV = -1 + 3v - v**2 with v = 1/(1+r) vanishes at v = (3 -/+ sqrt 5)/2 = 0.382 and 2.618,
    i.e. r = +161.8 % and r = -61.8 %: Norstrom's criterion only bounds the *positive* roots.
    """
    assert irr([-1.0, 3.0, -1.0]) == (None, STATUS_MULTIPLE)


def test_irr_multiple_with_a_root_below_the_scan_grid() -> None:
    """-100, 0, 0, +130, -0.01 has an IRR near 9.1 % and a second one near -99.99 %
    (-100 + 130 v**3 - 0.01 v**4 = 0 at v ~ 13,000): the scan sees the second one because
    NPV(-0.99) > 0 while NPV -> -inf as rate -> -1 (the last flow is negative)."""
    flows = [-100.0, 0.0, 0.0, 130.0, -0.01]
    assert any(r < -0.99 for r in _numpy_irrs(flows))  # numpy sees it too
    assert irr(flows) == (None, STATUS_MULTIPLE)


def test_irr_no_sign_change() -> None:
    """Flows that never change sign (or are empty / all zero) have no IRR: "no_sign_change"."""
    assert irr([100.0, 50.0]) == (None, STATUS_NO_SIGN_CHANGE)
    assert irr([-100.0, 0.0, -5.0]) == (None, STATUS_NO_SIGN_CHANGE)
    assert irr([0.0, 0.0]) == (None, STATUS_NO_SIGN_CHANGE)
    assert irr([]) == (None, STATUS_NO_SIGN_CHANGE)


def test_irr_negative_rate() -> None:
    """-100, +50, +40 returns less than it costs, so its IRR is negative (-6.99 %, npf agrees)."""
    rate, status = irr([-100.0, 50.0, 40.0])
    assert status == STATUS_OK
    assert rate is not None and rate < 0
    assert rate == pytest.approx(npf.irr([-100.0, 50.0, 40.0]), abs=1e-12)


def test_irr_root_at_zero() -> None:
    """Flows summing to exactly zero have NPV(0) = 0: IRR 0.0, even for the double root of
    -1, +2, -1 (NPV = -(1 - v)**2)."""
    assert irr([-100.0, 60.0, 40.0]) == (0.0, STATUS_OK)
    assert irr([-1.0, 2.0, -1.0]) == (0.0, STATUS_OK)


def test_irr_extreme_but_unique_roots_stay_finite() -> None:
    """A root far above the scan grid (r = 999,999 for -1, +1e6) or pressed against -1 is still
    solved by the bracketed solver, finite and > -1."""
    rate, status = irr([-1.0, 1e6])
    assert status == STATUS_OK and rate == pytest.approx(999_999.0, rel=1e-12)
    rate, status = irr([-1e9, *([0.0] * 40), 1e-9])  # (1 + r)**41 = 1e-18
    assert status == STATUS_OK and rate == pytest.approx(10 ** (-18 / 41) - 1, abs=1e-10)
    rate, status = irr([-1e9, 1e-9])  # 1 + r = 1e-18: closer to -1 than a float can show
    assert status == STATUS_OK and rate is not None and -1.0 < rate < -1.0 + 1e-9


def test_irr_later_loss_uses_norstrom() -> None:
    """A mid-career loss gives three sign changes in the flows, but the running totals change sign
    once and the suffix sums never, so the IRR is still unique and matches npf."""
    flows = [-20_000.0] * 2 + [5_000.0] * 20 + [-10_000.0] + [3_000.0] * 22
    rate, status = irr(flows)
    assert status == STATUS_OK
    assert rate == pytest.approx(npf.irr(flows), abs=1e-10)


def test_payback_counts_the_last_recovery() -> None:
    """A later loss undoes payback until the position recovers for good: cum -100, +50, -150,
    +150 goes under water again in year 2 and recovers inside year 3 at 3 + 150/300 = 3.5."""
    assert payback_years([-100.0, 150.0, -200.0, 300.0]) == pytest.approx(3.5)


def test_payback_special_cases() -> None:
    """Edge cases follow the documented convention: leading zeros change nothing, a position
    that is ahead and then under water pays back at the recovery, a position that is never
    negative pays back at 0.0, and an empty or never-recovering series gives None."""
    assert payback_years([0.0, -100.0, 200.0]) == 2.5  # cum 0, -100, +100: 2 + 100/200
    assert payback_years([50.0, -100.0, 200.0]) == 2.25  # cum 50, -50, +150: 2 + 50/200
    assert payback_years([-100.0, 0.0, 0.0, 100.0]) == 4.0  # zero-flow years: no division by 0
    assert payback_years([50.0, 10.0]) == 0.0  # never under water
    assert payback_years([0.0, 0.0]) == 0.0  # nothing was ever owed
    assert payback_years([]) is None
    assert payback_years([-100.0, 10.0, -5.0, 0.0]) is None


def test_payback_of_issue_12_case_is_never() -> None:
    """Issue 12's first case: ahead by 8,773 and 17,248 while studying on loans, then 549 ahead,
    then under water for good (ending at -76,964): that never pays back, where the old rule
    said 0.0."""
    flows = [8_773.0, 8_475.0, -3_136.0, -4_521.0, -4_521.0, -4_521.0, -4_521.0, -4_521.0]
    cum = cumulative(flows)
    assert cum[0] > 0 and cum[-1] < 0
    assert payback_years(flows) is None


def test_discounted_payback_worked_example() -> None:
    """At 25 %, -100, +125, +156.25 discount to -100, +100, +100 (1.25 and 1.5625 are exact),
    so the discounted total reaches 0 at the end of year index 1: 1 + 100/100 = 2.0."""
    assert discount(0.25, [-100.0, 125.0, 156.25]) == [-100.0, 100.0, 100.0]
    assert discounted_payback_years(0.25, [-100.0, 125.0, 156.25]) == 2.0


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (npv, (-1.0, [1.0])),
        (npv, (-2.0, [1.0])),
        (npv, (math.nan, [1.0])),
        (discount, (-1.0, [1.0])),
        (discounted_payback_years, (-1.5, [-1.0, 2.0])),
        (amortizing_payment, (1_000.0, 0.05, 0)),
        (amortizing_payment, (1_000.0, 0.05, -3)),
        (amortizing_payment, (1_000.0, -12.0, 12)),
    ],
)
def test_invalid_arguments_raise(call: object, args: tuple[object, ...]) -> None:
    """Rates <= -1 (or NaN) and non-positive periods have no meaning, so they raise ValueError."""
    with pytest.raises(ValueError):
        call(*args)  # type: ignore[operator]


# --------------------------------------------------------------------------- numpy-financial


@SETTINGS
@given(flows=education_flows(), rate=rates)
def test_npv_matches_numpy_financial(flows: list[float], rate: float) -> None:
    """npv agrees with npf.npv (same t = 0 undiscounted convention) up to rounding."""
    scale = sum(abs(f) / (1.0 + rate) ** t for t, f in enumerate(flows))
    assert npv(rate, flows) == pytest.approx(float(npf.npv(rate, flows)), abs=1e-12 * scale)


@SETTINGS
@given(flows=education_flows())
def test_irr_matches_numpy_financial_when_both_unique(flows: list[float]) -> None:
    """Where we report "ok" and numpy finds exactly one real IRR > -1, the two rates agree."""
    rate, status = irr(flows)
    numpy_rates = _numpy_irrs(flows)
    if status == STATUS_OK and len(numpy_rates) == 1:
        assert rate == pytest.approx(numpy_rates[0], rel=1e-6, abs=1e-6)
        assert rate == pytest.approx(float(npf.irr(flows)), rel=1e-6, abs=1e-6)


@SETTINGS
@given(flows=conventional_flows())
def test_irr_conventional_series_is_unique_and_matches(flows: list[float]) -> None:
    """Costs then gains change sign at most once (Descartes): one IRR exactly when the gains are
    non-zero, and it is the one npf.irr finds."""
    rate, status = irr(flows)
    if not any(f > 0 for f in flows):
        assert (rate, status) == (None, STATUS_NO_SIGN_CHANGE)
        return
    assert status == STATUS_OK
    assert rate == pytest.approx(float(npf.irr(flows)), rel=1e-6, abs=1e-6)


@SETTINGS
@given(
    rate=st.one_of(st.just(0.0), _rate(1e-6, 0.5), _rate(-0.5, -1e-6)),
    n_periods=st.integers(1, 600),
    principal=_money(0.0, 1e7),
)
def test_amortizing_payment_matches_numpy_financial(rate: float, n_periods: int,
                                                   principal: float) -> None:
    """The loan payment at monthly rate i is npf.pmt(i, …) negated (npf reports a payment as an
    outflow of a positive present value)."""
    expected = -float(npf.pmt(rate, n_periods, principal))
    assert amortizing_payment(principal, rate * 12, n_periods) == pytest.approx(
        expected, rel=1e-9, abs=1e-9)


# --------------------------------------------------------------------------- properties


@SETTINGS
@given(flows=any_flows)
def test_npv_at_zero_is_sum(flows: list[float]) -> None:
    """Undiscounted (rate 0), NPV is just the sum of the flows."""
    scale = sum(abs(f) for f in flows) + 1.0
    assert npv(0.0, flows) == pytest.approx(math.fsum(flows), abs=1e-12 * scale)


@SETTINGS
@given(flows=any_flows, rate=rates)
def test_discount_and_cumulative_are_consistent_with_npv(flows: list[float], rate: float) -> None:
    """The discounted flows sum to the NPV, and the running sums end at the total."""
    scale = sum(abs(f) / (1.0 + rate) ** t for t, f in enumerate(flows)) + 1.0
    assert math.fsum(discount(rate, flows)) == pytest.approx(npv(rate, flows), abs=1e-12 * scale)
    cum = cumulative(flows)
    assert len(cum) == len(flows)
    if flows:
        assert cum[-1] == pytest.approx(math.fsum(flows), abs=1e-12 * scale)


@SETTINGS
@given(flows=st.one_of(education_flows(), any_flows))
def test_irr_solves_npv(flows: list[float]) -> None:
    """When irr reports "ok", |NPV| at that rate is at most the 1e-10 rate tolerance times NPV's
    slope (sum of t |f_t| v**(t+1), v = 1/(1+r)) plus rounding; any other status returns None."""
    rate, status = irr(flows)
    assert status in IRR_STATUSES
    if status != STATUS_OK:
        assert rate is None
        return
    assert rate is not None and math.isfinite(rate) and rate > -1.0
    v = 1.0 / (1.0 + rate)
    slope = sum(t * abs(f) * v ** (t + 1) for t, f in enumerate(flows))
    size = sum(abs(f) * v**t for t, f in enumerate(flows))
    assert abs(npv(rate, flows)) <= 2e-10 * slope + 1e-12 * size


@SETTINGS
@given(flows=education_flows())
def test_irr_multiple_means_several_real_roots(flows: list[float]) -> None:
    """Status "multiple" is only reported when numpy also sees at least two real IRRs > -1."""
    rate, status = irr(flows)
    if status == STATUS_MULTIPLE:
        roots = np.roots(np.asarray(flows[::-1], dtype=float))
        real = roots[(np.abs(roots.imag) <= 1e-6 * np.abs(roots)) & (roots.real > 0)]
        assert len(real) >= 2


@SETTINGS
@given(
    flows=st.one_of(education_flows(max_len=30), any_flows),
    index=st.integers(0, 59),
    delta=_money(1e-3, 1e5),
)
def test_payback_monotonic(flows: list[float], index: int, delta: float) -> None:
    """Raising any year's cost never shortens payback and raising any year's gain never
    lengthens it (None = never, later than any number)."""
    if not flows:
        return
    i = index % len(flows)
    base = _as_years(payback_years(flows))
    costlier = [f - delta if t == i else f for t, f in enumerate(flows)]
    richer = [f + delta if t == i else f for t, f in enumerate(flows)]
    assert _as_years(payback_years(costlier)) >= base
    assert _as_years(payback_years(richer)) <= base


@SETTINGS
@given(flows=st.lists(_money(-1e5, 0.0), min_size=1, max_size=45), rate=rates)
def test_payback_none_without_gains(flows: list[float], rate: float) -> None:
    """With no year ever gaining (all flows <= 0) and some loss, the position never recovers:
    None, discounted or not."""
    assume(any(f < 0.0 for f in flows))
    assert payback_years(flows) is None
    assert discounted_payback_years(rate, flows) is None


@SETTINGS
@given(flows=conventional_flows(), rate=_rate(0.0, 1.0))
def test_discounting_delays_conventional_payback(flows: list[float], rate: float) -> None:
    """For costs-then-gains, discounting at rate >= 0 shrinks the later gains, so discounted
    payback is never earlier than simple payback, and equals it at rate 0."""
    simple = _as_years(payback_years(flows))
    assert _as_years(discounted_payback_years(rate, flows)) >= simple
    assert discounted_payback_years(0.0, flows) == payback_years(flows)


@SETTINGS
@given(flows=any_flows)
def test_payback_matches_its_definition(flows: list[float]) -> None:
    """Payback is None exactly when the final running total is negative; otherwise it is 0.0
    if the total is never negative, else k + (-cum(k-1)) / flows[k] for the *last* k whose
    opening position cum(k-1) is negative, and lies in (k, k+1]."""
    result = payback_years(flows)
    cum = cumulative(flows)
    if not flows or cum[-1] < 0.0:
        assert result is None
        return
    opening_negative = [t for t in range(1, len(flows)) if cum[t - 1] < 0.0]
    if not opening_negative:
        assert result == 0.0
        return
    k = opening_negative[-1]
    assert result == k + (-cum[k - 1]) / flows[k]
    assert k <= result <= k + 1


@SETTINGS
@given(flows=st.one_of(education_flows(), any_flows), rate=rates)
def test_results_are_finite_or_none(flows: list[float], rate: float) -> None:
    """Bounded inputs never produce NaN or infinity from any function."""
    values: list[float | None] = [
        npv(rate, flows),
        payback_years(flows),
        discounted_payback_years(rate, flows),
        irr(flows)[0],
        *discount(rate, flows),
        *cumulative(flows),
    ]
    assert all(x is None or math.isfinite(x) for x in values)


def test_irr_not_found_status_exists() -> None:
    """A series with two sign changes whose roots are all complex (NPV = 1 - v + v**2 > 0) has
    nothing to bracket: "not_found", never a made-up number."""
    assert irr([1.0, -1.0, 1.0]) == (None, STATUS_NOT_FOUND)
