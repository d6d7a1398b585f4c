"""Cash-flow arithmetic: NPV, discounting, payback, IRR and level loan payments.

Pure functions that import no numpy (they start in microseconds). Payback (`payback_of`) and
the IRR solver (`_solve`, `irr_of`) are written on the ops backends (`engine.ops`), so the same
lines price one series on floats or many at once on numpy vectors (`batch`).

Conventions (every function here follows them):

* A cash-flow series is a sequence of floats ``flows``. ``flows[t]`` is the *net* flow of year
  index ``t``; ``flows[0]`` is t = 0, the first year of study.
* Outflows (tuition, fees, forgone earnings) are negative; inflows (the wage premium) positive.
* One period = one year. Rates are fractions per period (``0.05`` is 5 % a year) and must be
  greater than -1.
* Discounting (``npv``, ``discount``, ``irr``) puts ``flows[t]`` at the instant t and divides it
  by ``(1 + rate) ** t``, so ``flows[0]`` is *not* discounted. This is numpy-financial's
  ``npv`` convention, not Excel's ``NPV()`` (which discounts the first value too).
* Payback timing (``payback_years``, ``discounted_payback_years``) treats ``flows[t]`` as
  accruing evenly over the year ``[t, t + 1)``, measured in years from the start of study, and
  interpolates linearly inside the year in which the running total turns non-negative. A payback
  of ``6.0`` therefore means "at the end of year index 5", six years after study began.
  (The two timings differ on purpose: discounting follows numpy-financial, payback counts whole
  years of study and work. ``discounted_payback_years`` discounts each flow as at instant t,
  then spreads the discounted amount over its year.)

>>> round(npv(0.10, [-1000.0, 550.0, 605.0]), 9)  # -1000 + 550/1.1 + 605/1.21
0.0
>>> cumulative([-10_000.0, -10_000.0, 5_000.0, 5_000.0, 5_000.0, 5_000.0])
[-10000.0, -20000.0, -15000.0, -10000.0, -5000.0, 0.0]
>>> payback_years([-10_000.0, -10_000.0, 5_000.0, 5_000.0, 5_000.0, 5_000.0])
6.0
>>> rate, status = irr([-1000.0, 550.0, 605.0])
>>> round(rate, 10), status
(0.1, 'ok')
"""

from __future__ import annotations

import math

from himcalc.engine.ops import SCALAR

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (import-time budget)
if TYPE_CHECKING:
    from collections.abc import Sequence

    from himcalc.engine.ops import Ops

__all__ = [
    "IRR_STATUSES",
    "STATUS_BORROWING",
    "STATUS_MULTIPLE",
    "STATUS_NOT_FOUND",
    "STATUS_NO_SIGN_CHANGE",
    "STATUS_OK",
    "cumulative",
    "discount",
    "discounted_payback_years",
    "irr",
    "irr_of",
    "npv",
    "payback_of",
    "payback_years",
]

STATUS_OK = "ok"
"""`irr` found the one rate that makes NPV zero."""
STATUS_NO_SIGN_CHANGE = "no_sign_change"
"""All flows have the same sign (or are zero, or there are none): no rate makes NPV zero."""
STATUS_MULTIPLE = "multiple"
"""More than one rate makes NPV zero, so "the" IRR is undefined; `irr` returns None."""
STATUS_NOT_FOUND = "not_found"
"""Uniqueness could not be shown and no root was bracketed (or the solver failed)."""
STATUS_BORROWING = "borrowing"
"""The one rate that makes NPV zero is a cost, not a return: NPV *rises* with the rate there
(money comes first, then goes out, like a loan), so `irr` returns None rather than rank it."""
IRR_STATUSES = frozenset({STATUS_OK, STATUS_NO_SIGN_CHANGE, STATUS_MULTIPLE, STATUS_NOT_FOUND,
                          STATUS_BORROWING})

_IRR_TOL = 1e-10
"""Convergence tolerance on the rate (absolute below 1, relative above)."""
_IRR_MAX_ITER = 200
"""Evaluation cap for the solver; real series converge in 3-10 (bisection at worst ~90)."""
_GRID_STEP = 0.04
"""Spacing of the root-scanning grid in log(1 + rate): adjacent points differ by ~4 %."""
_GRID_LO = -0.99
_GRID_HI = 10.0


def _make_grid() -> tuple[float, ...]:
    # Uniform in log(1 + r), containing r = 0 exactly, bounded by -0.99 and 10 (both included).
    k_lo = math.ceil(math.log1p(_GRID_LO) / _GRID_STEP)
    k_hi = math.floor(math.log1p(_GRID_HI) / _GRID_STEP)
    inner = [math.expm1(k * _GRID_STEP) for k in range(k_lo, k_hi + 1)]
    inner = [r for r in inner if _GRID_LO < r < _GRID_HI]
    return (_GRID_LO, *inner, _GRID_HI)


_GRID: tuple[float, ...] = ()
"""Rates at which `irr` scans NPV for sign changes; built on first use (not at import)."""


def _check_rate(rate: float) -> None:
    # `not rate > -1` also rejects NaN.
    if not rate > -1.0:
        raise ValueError(f"rate must be > -1 (a fraction per period), got {rate!r}")


def npv(rate: float, flows: Sequence[float]) -> float:
    """Net present value at t = 0: ``sum(flows[t] / (1 + rate) ** t)``.

    ``flows[0]`` is undiscounted (numpy-financial's convention, *not* Excel's ``NPV()``, which
    would discount it by one period). An empty series is worth 0.0. ``rate`` must be > -1
    (ValueError otherwise); rates very close to -1 can overflow to +/-inf, as the maths does.

    Evaluated by Horner's rule in ``v = 1 / (1 + rate)``: one multiply-add per flow.

    >>> round(npv(0.10, [-1000.0, 550.0, 605.0]), 9)  # -1000 + 550/1.1 + 605/1.21 = 0
    0.0
    >>> npv(0.0, [-3.0, 1.0, 1.0])
    -1.0
    """
    _check_rate(rate)
    v = 1.0 / (1.0 + rate)
    acc = 0.0
    for f in reversed(flows):
        acc = acc * v + f
    return acc


def discount(rate: float, flows: Sequence[float]) -> list[float]:
    """Each flow discounted to t = 0: ``[flows[t] / (1 + rate) ** t for t ...]``.

    Same convention as `npv` (``flows[0]`` undiscounted; ``rate`` > -1, ValueError otherwise),
    so ``sum(discount(r, cf))`` equals ``npv(r, cf)`` up to rounding.

    >>> discount(0.25, [-100.0, 125.0, 156.25])  # 125/1.25 = 100, 156.25/1.5625 = 100
    [-100.0, 100.0, 100.0]
    """
    _check_rate(rate)
    growth = 1.0 + rate
    out: list[float] = []
    factor = 1.0  # (1 + rate) ** t, built by repeated multiplication
    try:
        for f in flows:
            out.append(f / factor)
            factor *= growth
    except ZeroDivisionError:  # (1 + rate) ** t underflowed: rate near -1 over many years
        for f in flows[len(out) :]:
            out.append(f * math.inf if f else 0.0)
    return out


def cumulative(flows: Sequence[float]) -> list[float]:
    """Running sums: ``out[k] = flows[0] + ... + flows[k]`` (the position at the end of year k).

    >>> cumulative([-10.0, -10.0, 5.0, 5.0])
    [-10.0, -20.0, -15.0, -10.0]
    >>> cumulative([])
    []
    """
    out: list[float] = []
    acc = 0.0
    for f in flows:
        acc += f
        out.append(acc)
    return out


def payback_years(flows: Sequence[float]) -> float | None:
    """Years from the start of study (t = 0) after which the running total stays non-negative.

    Convention: ``flows[t]`` accrues evenly over the year ``[t, t + 1)``, so the position at
    time t (in years) is ``cum(t - 1)`` with ``cum(k) = flows[0] + ... + flows[k]``
    (``cum(-1) = 0``), linear inside each year. Payback is the moment from which the position
    is never negative again until the end of the series. With k the *last* year index whose
    opening position is negative (``cum(k - 1) < 0``)::

        payback_years = k + (-cum(k - 1)) / flows[k]

    (``cum(k - 1) < 0 <= cum(k)`` forces ``flows[k] > 0``, so the fraction lies in (0, 1] and
    cannot divide by zero). Example: flows ``-10k, -10k, +5k, +5k, +5k, +5k`` give
    ``cum = -10k, -20k, -15k, -10k, -5k, 0``; k = 5, ``cum(4) = -5k``, ``flows[5] = 5k``, so
    payback = 5 + 5k/5k = 6.0, i.e. the end of year index 5.

    Special cases (docs/methodology.md, "Payback"):

    * A position that is ahead, goes under water and recovers pays back at the recovery; one
      that goes under water and does not recover by the end never pays back: ``None`` exactly
      when the final total is negative (and for an empty series).
    * A position that is never negative (every flow zero, or gains before any loss that they
      cover) pays back at ``0.0``: nothing was ever owed.

    One pass, no search, so it cannot loop. Raising any cost never shortens the result and
    raising any gain never lengthens it (None counts as "longer than any number"): the
    position only moves down, so the moment after which it stays non-negative only moves later.

    >>> payback_years([-10_000.0, -10_000.0, 5_000.0, 5_000.0, 5_000.0, 5_000.0])
    6.0
    >>> payback_years([-100.0, 40.0, 40.0, 40.0])  # cum -100, -60, -20, 20: 3 + 20/40
    3.5
    >>> payback_years([-100.0, 0.0, 0.0]) is None
    True
    >>> payback_years([50.0, -100.0, 200.0])  # cum 50, -50, 150: under water in year 1
    2.25
    >>> payback_years([50.0, -10.0, -60.0]) is None  # ahead at first, ends 20 under water
    True
    """
    value = payback_of(flows, SCALAR)
    return None if value != value else value


def payback_of(flows: Sequence, o: Ops):
    """`payback_years` on either ops backend (`engine.ops`); NaN where it is None.

    One pass: each crossing from a negative position to a non-negative one sets the answer,
    each year ending negative clears it, and the answer stands only if the last position is
    non-negative. ``prev < 0 <= prev + f`` forces ``f >= -prev > 0``, so the division only
    matters where it is well defined.
    """
    cum = 0.0
    result = o.full(flows[0] if flows else 0.0, 0.0)
    if not flows:
        return o.nan
    for k, f in enumerate(flows):
        prev = cum
        cum = prev + f
        crossed = (prev < 0.0) & (cum >= 0.0)
        result = o.where(crossed, k + o.div(-prev, f), o.where(cum < 0.0, o.nan, result))
    return result


def discounted_payback_years(rate: float, flows: Sequence[float]) -> float | None:
    """`payback_years` of ``discount(rate, flows)``: when the discounted running total turns >= 0.

    Same convention and special cases as `payback_years`; ``rate`` > -1 (ValueError otherwise).

    >>> discounted_payback_years(0.25, [-100.0, 125.0, 156.25])  # discounted: -100, 100, 100
    2.0
    >>> discounted_payback_years(0.0, [-100.0, 40.0, 40.0, 40.0])
    3.5
    """
    return payback_years(discount(rate, flows))


def _sign_changes(values: Sequence, o: Ops = SCALAR):
    """Sign changes in ``values``, zeros skipped (Descartes' count)."""
    changes = 0
    prev = 0.0
    for x in values:
        pos = x > 0.0
        neg = x < 0.0
        changes = changes + o.where((pos & (prev < 0.0)) | (neg & (prev > 0.0)), 1, 0)
        prev = o.where(pos, 1.0, o.where(neg, -1.0, prev))
    return changes


def _unique_by_norstrom(flows: Sequence[float]) -> bool:
    """True when prefix/suffix-sum sign counts prove exactly one root with rate > -1.

    Call only with a non-zero total. Let m be the last index, ``A(k) = flows[0] + ... +
    flows[k]`` the prefix sums and ``B(j) = flows[m - j] + ... + flows[m]`` the suffix sums
    (``A(m) = B(m)`` = the total, not zero). The number of roots with rate > 0 is at most the
    sign changes of ``A(0..m)`` (Norstrom 1972: Descartes' rule for the power series
    ``NPV(v) / (1 - v)``, ``0 < v < 1``), and the number with -1 < rate < 0 at most the sign
    changes of ``B(0..m)`` (the same argument in ``1 / v = 1 + rate``); rate 0 is no root since
    the total is not zero. One change in all therefore means exactly one root (one exists on
    that side because NPV's signs at its two ends differ). Norstrom alone bounds only the
    *positive* roots: ``[-1, 3, -1]`` has prefix sums -1, 2, 1 (one change) yet two IRRs,
    -61.8 % and +161.8 %.

    Signs must be exact, so a running sum within its rounding-error bound of zero is recomputed
    with ``math.fsum`` (correctly rounded, hence correctly signed); that happens rarely.
    """
    n = len(flows)
    bound = 4.5e-16 * n  # > 2 (n - 1) u: naive summation error relative to sum(|f|)
    prefix = suffix = p_mag = s_mag = 0.0
    p_prev = s_prev = 0.0
    changes = 0
    for i in range(n):
        f = flows[i]
        g = flows[n - 1 - i]
        prefix += f
        suffix += g
        p_mag += abs(f)
        s_mag += abs(g)
        p = prefix if abs(prefix) > bound * p_mag else math.fsum(flows[: i + 1])
        q = suffix if abs(suffix) > bound * s_mag else math.fsum(flows[n - 1 - i :])
        if p != 0.0:
            if (p > 0.0) != (p_prev > 0.0) and p_prev != 0.0:
                changes += 1
            p_prev = p
        if q != 0.0:
            if (q > 0.0) != (s_prev > 0.0) and s_prev != 0.0:
                changes += 1
            s_prev = q
        if changes > 1:
            return False
    return changes == 1


def _solve(flows: Sequence, lo, hi, lo_positive, x, o: Ops = SCALAR,
           active=True):
    """Safeguarded Newton for the single root of NPV in the open bracket (lo, hi).

    ``hi`` may be ``inf``; ``lo_positive`` is the sign of NPV just above ``lo`` (NPV has the other
    sign just below ``hi``); ``x`` is the first guess, inside the bracket. Every evaluation
    shrinks the bracket; a Newton step that leaves it or does not at least halve the step before
    last is replaced by a bisection in log(1 + rate) (a doubling of 1 + rate while ``hi`` is
    infinite), so the iteration cannot diverge. Returns NaN if it fails to converge.

    Written on the ops backends (`engine.ops`): on vectors every element iterates on its own
    (``active`` marks those still iterating; a finished one keeps its answer), so a vector of
    series gives, element for element, what the scalar iteration gives.
    """
    result = o.full(x, o.nan)
    dx_old = dx = o.full(x, math.inf)
    if o.vector:  # `rows`: where the elements still worked on sit in `answers`
        import numpy as np

        answers, rows = result.copy(), np.arange(result.size)
    for _ in range(_IRR_MAX_ITER):
        v = 1.0 / (1.0 + x)
        p = 0.0
        dp = 0.0
        for f in reversed(flows):
            dp = dp * v + p
            p = p * v + f
        root = active & (p == 0.0)
        result = o.where(root, x, result)
        active = active & o.not_(root)
        below = (p > 0.0) == lo_positive
        lo = o.where(active & below, x, lo)
        hi = o.where(active & o.not_(below), x, hi)
        tol = _IRR_TOL * o.maximum(1.0, o.abs(x))
        # d NPV / d rate = d p / d v * d v / d rate = dp * (-v * v)
        slope = -dp * v * v
        steep = (o.abs(slope) > 0.0) & (o.abs(slope) < math.inf)
        x_newton = x - o.div(p, slope)
        step = o.abs(x_newton - x)
        # Converged: the error left after this step is of order step**2. Rounding in p's sign
        # can put x_new a hair outside the bracket; x itself is then as good.
        converged = active & steep & (step <= tol)
        inside = (lo <= x_newton) & (x_newton <= hi) & (x_newton > -1.0)
        result = o.where(converged, o.where(inside, x_newton, x), result)
        active = active & o.not_(converged)
        newton = steep & (lo < x_newton) & (x_newton < hi) & (step * 2.0 <= o.abs(dx_old))
        a = 1.0 + lo
        doubled = o.where(a >= 1.0, 2.0 * a - 1.0, 1.0)
        halved = 0.5 * (1.0 + hi) - 1.0
        geometric = o.sqrt(o.maximum(a, 0.0)) * o.sqrt(1.0 + hi) - 1.0
        x_bisect = o.where(hi == math.inf, doubled, o.where(a <= 0.0, halved, geometric))
        closed = active & o.not_(newton) & (hi - lo <= tol)
        result = o.where(closed, o.where(x_bisect > -1.0, x_bisect, x), result)
        active = active & o.not_(closed)
        if not o.any(active):
            break
        x_new = o.where(newton, x_newton, x_bisect)
        dx_old = dx
        dx = x_new - x
        x = o.where(active, x_new, x)
        if o.vector and 2 * active.sum() < active.size:
            # Most have their answer: iterate on the others only (the same steps, less work).
            answers[rows] = result
            keep = np.flatnonzero(active)
            rows, flows = rows[keep], [f[keep] for f in flows]
            x, lo, hi, lo_positive, dx, dx_old, active, result = (
                a[keep] for a in (x, lo, hi, lo_positive, dx, dx_old, active, result))
    if o.vector:
        answers[rows] = result
        return answers
    return result


def _scan_grid(flows: Sequence[float], total: float) -> tuple[float | None, str]:
    """Count roots of NPV along `_GRID`; solve if there is exactly one, else report.

    The grid is extended by its two limits: as rate -> -1 NPV takes the sign of the last
    non-zero flow, and as rate -> +inf the sign of the first one, so an odd number of roots
    below -0.99 or above 10 is counted too. ``total`` is the exact (fsum) NPV at rate 0, used
    for the grid point 0 so that an exact root at 0 is seen as one.
    """
    global _GRID
    if not _GRID:
        _GRID = _make_grid()
    first = next(f for f in flows if f != 0.0)
    last = next(f for f in reversed(flows) if f != 0.0)
    points = (-1.0, *_GRID, math.inf)
    values = [last, *[npv(r, flows) if r else total for r in _GRID], first]
    roots = 0
    bracket = (0, 0)
    for i, val in enumerate(values):
        if val == 0.0:
            roots += 1
            bracket = (i, i)
        elif i and values[i - 1] != 0.0 and (val > 0.0) != (values[i - 1] > 0.0):
            roots += 1
            bracket = (i - 1, i)
        if roots > 1:
            return None, STATUS_MULTIPLE
    if roots == 0:
        return None, STATUS_NOT_FOUND
    i, j = bracket
    # NPV falls through its root (an investment) when it is positive just below it or, for a
    # root exactly on a grid point, negative just above it (a double root touching 0 counts).
    below = values[i] if i != j else next((v for v in reversed(values[:i]) if v != 0.0), 0.0)
    above = values[j + 1] if j + 1 < len(values) else 0.0
    if not (below > 0.0 or (i == j and above < 0.0)):
        return None, STATUS_BORROWING
    if i == j:
        return points[i], STATUS_OK
    lo, hi = points[i], points[j]
    if hi == math.inf:
        x = 2.0 * lo + 1.0  # doubles 1 + rate
    elif lo == -1.0:
        x = 0.5 * (1.0 + hi) - 1.0  # halves 1 + rate
    else:
        x = math.sqrt(1.0 + lo) * math.sqrt(1.0 + hi) - 1.0
    rate = _solve(flows, lo, hi, values[i] > 0.0, x)
    return (rate, STATUS_OK) if rate == rate else (None, STATUS_NOT_FOUND)


def irr(flows: Sequence[float]) -> tuple[float | None, str]:
    """Internal rate of return: the rate > -1 at which ``npv(rate, flows) == 0``, with a status.

    Returns ``(rate, STATUS_OK)`` or ``(None, status)`` where status is one of:

    * ``"no_sign_change"``: every flow has the same sign or is zero (or there are no flows),
      so NPV never crosses zero;
    * ``"multiple"``: more than one rate solves NPV = 0, so there is no single IRR;
    * ``"not_found"``: uniqueness could not be shown and no root was found on the scan grid, or
      the solver failed;
    * ``"borrowing"``: the one root is where NPV *rises* through zero (money first, outflows
      later, like a loan): that rate is what the stream costs, not what it earns, so it is not
      reported as a return (docs/methodology.md, "IRR").

    The rate returned is always finite, never NaN.

    Uniqueness is decided cheaply first: one sign change in the flows (Descartes' rule of signs
    in ``v = 1 / (1 + rate)``), or one sign change in total across the prefix sums (Norstrom's
    criterion, rates > 0) and the suffix sums (its mirror image, rates in (-1, 0)) with a
    non-zero total, proves exactly one root with rate > -1. The side of 0 it lies on follows
    from ``npv(0) = sum(flows)``, and safeguarded Newton (bisection fallback) solves it to
    ~1e-10 on the rate. Otherwise (a slow path, a few hundred microseconds) NPV is scanned for
    sign changes at 177 rates in [-0.99, 10], spaced 4 % apart in 1 + rate, and at the limits
    rate -> -1 and rate -> +inf (where its sign is that of the last and of the first non-zero
    flow): two or more roots give ``"multiple"``, exactly one is solved and returned as
    ``"ok"``. The scan cannot see two roots closer together than the spacing, nor an even
    number of roots below -0.99 or above 10.

    A rate within 1e-10 of a root is returned; for roots very close to -1, where NPV is
    extremely steep, that can leave a visible NPV residual.

    >>> rate, status = irr([-1000.0, 550.0, 605.0])  # -1000 + 550/1.1 + 605/1.21 = 0
    >>> round(rate, 10), status
    (0.1, 'ok')
    >>> irr([-100.0, 230.0, -132.0])  # NPV = 0 at both 10 % and 20 %
    (None, 'multiple')
    >>> irr([100.0, 50.0])
    (None, 'no_sign_change')
    >>> irr([1000.0, -550.0, -605.0])  # a loan at 10 %: NPV rises with the rate
    (None, 'borrowing')
    """
    changes = _sign_changes(flows)
    if changes == 0:
        return None, STATUS_NO_SIGN_CHANGE
    try:
        total = math.fsum(flows)  # npv(0, flows), correctly rounded so its sign is exact
    except OverflowError:  # flows near the float limit; IRR is scale-free, so shrink exactly
        return irr([f * 2.0**-64 for f in flows])
    if changes == 1 or (total != 0.0 and _unique_by_norstrom(flows)):
        first = next(f for f in flows if f != 0.0)  # sign of NPV as rate -> +inf
        if total == 0.0:  # the root is 0; NPV falls through it when negative above: first < 0
            return (0.0, STATUS_OK) if first < 0.0 else (None, STATUS_BORROWING)
        up = (total > 0.0) != (first > 0.0)  # the root is above 0
        # NPV is positive just below the root (it falls through it: an investment) when
        # npv(0) > 0 for a root above 0, or npv(-1+) > 0, i.e. npv(0) < 0, for one below.
        if (total > 0.0) != up:
            return None, STATUS_BORROWING
        if up:
            rate = _solve(flows, 0.0, math.inf, total > 0.0, 0.1)
        else:
            rate = _solve(flows, -1.0, 0.0, total < 0.0, -0.1)
        return (rate, STATUS_OK) if rate == rate else (None, STATUS_NOT_FOUND)
    return _scan_grid(flows, total)


def irr_of(flows: Sequence, o: Ops):
    """`irr` on either ops backend: (rates, statuses), NaN where the rate is None.

    On vectors, every series whose root `irr` would find by one sign change in the flows is
    solved together by the same `_solve`; the rest (two or more sign changes, a total too close
    to zero to trust its sign without `math.fsum`) go through the scalar `irr` one by one, so
    each element is exactly what `irr` gives for that series.
    """
    if not o.vector:
        rate, status = irr(flows)
        return (o.nan if rate is None else rate), status
    return _irr_vectors(flows, o)


def _irr_vectors(flows: Sequence, o: Ops):
    """`irr_of` on the array backend (numpy vectors, one element per series)."""
    import numpy as np

    changes = _sign_changes(flows, o)
    total = magnitude = first = 0.0
    for f in flows:
        total = total + f
        magnitude = magnitude + o.abs(f)
        first = o.where(first == 0.0, f, first)
    certain = o.abs(total) > 4.5e-16 * len(flows) * magnitude  # sign of total is exact
    easy = (changes == 1) & certain
    up = (total > 0.0) != (first > 0.0)  # the root is above 0
    rate = _solve(flows, o.where(up, 0.0, -1.0), o.where(up, math.inf, 0.0),
                  o.where(up, total > 0.0, total < 0.0), o.where(up, 0.1, -0.1), o, easy)
    borrowing = (total > 0.0) != up  # NPV rises through the root (see `irr`)
    found = np.where(np.isnan(rate), STATUS_NOT_FOUND, STATUS_OK)
    status = np.where(changes == 0, STATUS_NO_SIGN_CHANGE,
                      np.where(borrowing, STATUS_BORROWING, found)).astype(object)
    rate = np.where(easy & ~borrowing, rate, np.nan)
    for i in np.flatnonzero(o.not_(easy) & (changes > 0)):
        one, status[i] = irr([float(f[i]) for f in flows])
        rate[i] = np.nan if one is None else one
    return rate, status
