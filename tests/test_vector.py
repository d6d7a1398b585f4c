"""One engine, two backends: the numpy path `batch` uses gives exactly the scalar results.

`cashflows`, `metrics` and `finance` are written once on the ops backends (`engine.ops`);
these tests hold the vector backend to the scalar one bit for bit (dict equality of whole
metric rows, no tolerance), on random valid scenarios mixed in one stack, and hold the
building blocks (division, powers, IRR, payback) to their scalar meaning.
"""

from __future__ import annotations

import doctest
import math
import random

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_fuzz import scenarios, shipped

from himcalc.engine import finance, vector
from himcalc.engine.metrics import evaluate, growth_factor
from himcalc.engine.ops import SCALAR, array_ops
from himcalc.engine.plan import make_plan
from himcalc.engine.scenario import Scenario
from himcalc.engine.vector import evaluate_tasks, rows_of
from himcalc.errors import HimcalcError

ARRAY = array_ops()


def _check_tasks(values_list: list[dict]) -> int:
    """Every scenario × every pathway, evaluated together, equals its scalar row or error."""
    data = shipped()
    tasks = [(Scenario.model_validate(v), pid) for v in values_list for pid in data.get("pathways")]
    columns, errors = evaluate_tasks(data, tasks)
    rows = rows_of(columns)
    for (scenario, pid), row, error in zip(tasks, rows, errors, strict=True):
        try:
            expected = evaluate(make_plan(data, scenario, pid))[0].as_dict()
        except HimcalcError as exc:
            assert error == exc.message
            continue
        assert error is None
        assert row == expected
    return errors.count(None)


@settings(max_examples=40, deadline=None)
@given(st.lists(scenarios, min_size=1, max_size=8))
def test_tasks_together_equal_make_plan_and_evaluate(values_list: list[dict]) -> None:
    """Random valid scenarios × every pathway, resolved and evaluated together on vectors,
    give task by task the row of `evaluate(make_plan(...))`, or the error `make_plan` raises
    (same message)."""
    _check_tasks(values_list)


def test_tasks_together_on_a_cohort() -> None:
    """A larger, mixed cohort (borrowers, part-time, completion risk, short horizons, taxes)."""
    rng = random.Random(7)
    values_list = []
    for _ in range(150):
        values = {
            "age": rng.randint(18, 60),
            "percentile": rng.choice([10, 25, 50, 75, 90, rng.uniform(10, 90)]),
            "education": rng.choice(["high_school", "some_college", "associate", "bachelor"]),
            "study_mode": rng.choice(["full_time", "part_time"]),
            "completion_risk": rng.random() < 0.3,
            "tax_rate": rng.choice([0.0, 0.22]),
            "grants": rng.choice([0, 3000]),
            "borrow": rng.choice([0, 0, 0, 6000]),
            "tax_credits": rng.random() < 0.8,
        }
        if rng.random() < 0.2:
            values["horizon"] = rng.choice([1, 2, 3, 8])
        values_list.append(values)
    assert _check_tasks(values_list) > 300


def test_shared_numbers_stay_single() -> None:
    """Numbers every task shares stay one number; the others become vectors."""
    data = shipped()
    tasks = [(Scenario(age=age), "associate-hit") for age in (20, 30, 40)]
    together, stacked = vector._plan_together(data, tasks)
    assert together == [0, 1, 2]
    assert stacked.discount_rate == make_plan(data, tasks[0][0], "associate-hit").discount_rate
    horizons = [make_plan(data, scenario, pid).horizon for scenario, pid in tasks]
    assert stacked.horizon.tolist() == horizons
    assert stacked.span == max(horizons)


@pytest.mark.parametrize(("a", "b"), [(1.0, 0.0), (-1.0, 0.0), (0.0, 0.0), (1.0, -0.0),
                                      (6.0, 4.0), (math.inf, 0.0)])
def test_scalar_division_is_ieee_division(a: float, b: float) -> None:
    """`ops.div` never raises and gives what numpy's (IEEE) division gives."""
    with np.errstate(all="ignore"):
        expected = float(np.divide(a, b))
    got = SCALAR.div(a, b)
    assert (math.isnan(got) and math.isnan(expected)) or got == expected


def test_growth_factors_are_the_same_on_both_backends() -> None:
    """Growth factors are built by repeated multiplication on both backends (numpy's vectorised
    `pow` is not correctly rounded on some CPUs, e.g. with AVX-512), so a vector of rates and
    whole years gives, bit for bit, the scalar products ((1 + g) × (1 + g) × …)."""
    rng = np.random.default_rng(3)
    rates = rng.uniform(-0.1, 0.2, 5_000)
    years = rng.integers(0, 46, 5_000).astype(float)
    got = growth_factor(rates, years, ARRAY)
    expected = []
    for g, n in zip(rates.tolist(), years.tolist(), strict=True):
        factor = 1.0
        for _ in range(int(n)):
            factor *= 1.0 + g
        expected.append(factor)
    assert got.tolist() == expected
    assert all(growth_factor(g, n) == e for g, n, e in
               zip(rates[:200].tolist(), years[:200].tolist(), expected[:200], strict=True))


def _series(rng: random.Random) -> list[float]:
    """Cash-flow series like the engine's (costs, then premiums) and harder ones."""
    n = rng.randint(2, 45)
    kind = rng.random()
    if kind < 0.5:  # study costs then a premium: one sign change
        k = rng.randint(1, min(4, n - 1))
        return [-rng.uniform(1e3, 6e4) for _ in range(k)] + \
               [rng.uniform(-5e3, 4e4) for _ in range(n - k)]
    if kind < 0.7:  # all one sign
        sign = rng.choice([-1.0, 1.0])
        return [sign * rng.uniform(0, 1e4) for _ in range(n)]
    return [rng.uniform(-1e4, 1e4) for _ in range(n)]  # many sign changes


def test_vector_irr_and_payback_equal_scalar() -> None:
    """`irr_of` and `payback_of` on vectors give `irr` and `payback_years` element by element,
    whichever path each series takes (one sign change, none, or the scalar fallback)."""
    rng = random.Random(11)
    series = [_series(rng) for _ in range(400)]
    width = max(map(len, series))
    padded = [s + [0.0] * (width - len(s)) for s in series]  # zeros past the end, as in batch
    columns = [np.array([s[t] for s in padded]) for t in range(width)]
    with np.errstate(all="ignore"):
        rates, statuses = finance.irr_of(columns, ARRAY)
        paybacks = finance.payback_of(columns, ARRAY)
    for i, flows in enumerate(series):
        rate, status = finance.irr(flows)
        assert statuses[i] == status
        assert (rate is None and math.isnan(rates[i])) or rates[i] == rate
        payback = finance.payback_years(flows)
        assert (payback is None and math.isnan(paybacks[i])) or paybacks[i] == payback


def test_vector_irr_agrees_with_numpy_financial() -> None:
    """An independent check: where the flows change sign once, the rate is numpy-financial's,
    reported as a return when NPV falls through it (costs first) and withheld as "borrowing"
    when NPV rises through it (gains first, like a loan)."""
    rng = random.Random(5)
    series = []
    while len(series) < 100:
        flows = _series(rng)
        if finance._sign_changes(flows) == 1:
            series.append(flows + [0.0] * (45 - len(flows)))
    columns = [np.array([s[t] for s in series]) for t in range(45)]
    with np.errstate(all="ignore"):
        rates, statuses = finance.irr_of(columns, ARRAY)
    for flows, rate, status in zip(series, rates, statuses, strict=True):
        expected = npf.irr(flows)
        first = next(f for f in flows if f != 0.0)
        if first < 0.0:  # NPV(+inf) < 0 with one sign change: NPV falls through its root
            assert status == "ok"
            assert rate == pytest.approx(expected, rel=1e-7, abs=1e-9)
        else:
            assert status == "borrowing" and math.isnan(rate)


@pytest.mark.parametrize("n", [1, 3])
def test_identical_tasks(n: int) -> None:
    """Tasks that share every number (one task, or copies) still give one row each."""
    data = shipped()
    tasks = [(Scenario(), "associate-hit")] * n
    columns, errors = evaluate_tasks(data, tasks)
    assert errors == [None] * n
    assert rows_of(columns) == [evaluate(make_plan(data, Scenario(), "associate-hit"))[0]
                                .as_dict()] * n


def test_json_lines_folds_constant_columns_into_the_template() -> None:
    """A column with one value in every row is written once into the template, '%' and all,
    and the rows read back exactly as json.dumps would give them."""
    import json

    from himcalc.render.columnar import json_lines

    columns = {"label": ["50% off", "50% off"], "x": np.array([1.5, 1.5]),
               "y": np.array([0.1, 1e-7])}
    text = json_lines(["a", 7], columns, ["id", "label", "x", "y"])
    rows = [json.loads(line) for line in text.splitlines()]
    assert rows == [{"id": "a", "label": "50% off", "x": 1.5, "y": 0.1},
                    {"id": 7, "label": "50% off", "x": 1.5, "y": 1e-7}]


def test_doctests() -> None:
    """The examples in the docstrings of the ops backends, the writer and finance hold."""
    import himcalc.engine.finance as finance_module
    import himcalc.engine.ops as ops_module
    import himcalc.render.columnar as columnar_module

    for module in (ops_module, columnar_module, finance_module):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_json_lines_refuses_non_finite_numbers() -> None:
    """NaN is null only where a metric may be undefined; infinity is never written."""
    from himcalc.render.columnar import json_lines

    with pytest.raises(ValueError, match="non-finite"):
        json_lines([1], {"npv": np.array([np.nan])}, ["id", "npv"])
    with pytest.raises(ValueError, match="non-finite"):
        json_lines([1], {"irr": np.array([np.inf])}, ["id", "irr"], nullable=["irr"])
