"""Fuzzing: random (extreme but valid) scenarios and random YAML never crash himcalc.

The only exceptions allowed out of the engine are `HimcalcError` subclasses (e.g. a pathway
without an accelerated variant, a horizon that ends before it starts); every metric is finite
or None; the CLI's JSON always parses and holds no NaN/Infinity; the loader turns any bytes
into located problems, never an exception.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from himcalc import loader
from himcalc.cli.main import main_entry
from himcalc.engine.metrics import evaluate
from himcalc.engine.plan import make_plan
from himcalc.engine.scenario import LOAN_PLANS, Scenario
from himcalc.errors import HimcalcError
from himcalc.models.dataset import Datasets
from himcalc.models.enums import Education, Institution, StudyMode, TuitionBasis

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@cache
def shipped() -> Datasets:
    return loader.load()


def rate(lo: float = 0.0, hi: float = 0.5) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False)


def money(hi: float) -> st.SearchStrategy[float]:
    """Dollar amounts biased to the edges: 0, round numbers and the model's maximum."""
    return st.one_of(st.sampled_from([0.0, 1.0, hi]), st.floats(0, hi, allow_nan=False))


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


scenarios = st.fixed_dictionaries(
    {
        "age": st.integers(14, 89),
        "education": st.sampled_from(Education),
        "institution": st.sampled_from(Institution),
        "study_mode": st.sampled_from(StudyMode),
        "percentile": st.floats(10, 90),
        "discount_rate": rate(),
    },
    optional={
        "horizon": st.integers(1, 80),
        "current_salary": money(1e7),
        "salary_kept_share": st.floats(0, 1),
        "tuition": money(1e6),
        "tuition_basis": st.sampled_from(TuitionBasis),
        "grants": money(1e6),
        "employer_assistance": money(1e6),
        "cap_employer_assistance": st.booleans(),
        "tax_credits": st.booleans(),
        "tax_rate": rate(0, 0.7),
        "wage_growth": rate(-0.1, 0.2),
        "tuition_growth": rate(-0.1, 0.3),
        "completion_probability": st.floats(0, 1),
        "completion_risk": st.booleans(),
        "borrow": money(1e6),
        "loan_rate": rate(),
        "private_loan_rate": rate(),
        "loan_plan": st.sampled_from(LOAN_PLANS),
        "dependents": st.integers(0, 20),
    },
)


def _finite_or_none(row: dict[str, Any]) -> None:
    for key, value in row.items():
        if isinstance(value, float):
            assert math.isfinite(value), f"{key} = {value}"


@FUZZ
@given(values=scenarios)
def test_engine_metrics_finite(values: dict[str, Any]) -> None:
    """Every pathway under any valid scenario yields finite-or-None metrics or a HimcalcError."""
    data = shipped()
    scenario = Scenario.model_validate(values)
    for pid in data.get("pathways"):
        try:
            metrics, flows = evaluate(make_plan(data, scenario, pid))
        except HimcalcError:
            continue
        _finite_or_none(metrics.as_dict())
        assert all(math.isfinite(v) for v in flows.net)


def _flags(values: dict[str, Any]) -> list[str]:
    """The scenario as command-line flags (`--name=value`, so negative rates parse)."""
    names = {"salary_kept_share": "salary-kept", "cap_employer_assistance": "assistance-cap"}
    argv = []
    for key, value in values.items():
        name = names.get(key, key.replace("_", "-"))
        if isinstance(value, bool):
            argv.append(f"--{name}" if value else f"--no-{name}")
        else:
            text = f"{value:.12f}" if isinstance(value, float) else getattr(value, "value", value)
            argv.append(f"--{name}={text}")
    return argv


def _no_constant(name: str) -> None:
    raise AssertionError(f"JSON holds {name}")


@FUZZ
@given(values=scenarios)
def test_cli_json_always_parses(values: dict[str, Any],
                                capsys: pytest.CaptureFixture[str]) -> None:
    """`compare -f json` with any valid scenario exits 0 with parseable JSON, 1 with an error,
    or 2 naming the flag whose value the data cannot use (an age past retirement)."""
    capsys.readouterr()
    code = main_entry(["compare", "-f", "json", *_flags(values)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if code == 0:
        rows = json.loads(out, parse_constant=_no_constant)
        assert isinstance(rows, list)
        for row in rows:
            _finite_or_none(row)
    else:
        assert code in (1, 2), err
        assert out == ""
        assert err.startswith("error: --" if code == 2 else "error: "), err
        assert "internal error" not in err, err


yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=12), children, max_size=4)),
    max_leaves=30,
)
dataset_names = st.sampled_from(["occupations", "pathways", "career_tracks", "parameters",
                                 "tuition", "loan_rates", "repayment_plans", "title", "bogus"])


@FUZZ
@given(doc=st.dictionaries(dataset_names, yaml_values, max_size=4))
def test_loader_turns_any_document_into_problems(doc: dict[str, Any]) -> None:
    """Any YAML document of any shape is loaded or reported as problems, never raised."""
    text = yaml.safe_dump(doc, allow_unicode=True)
    problems = loader.load_text(text, "fuzz.yaml", Datasets())
    assert all(p.file == "fuzz.yaml" for p in problems)


@FUZZ
@given(raw=st.one_of(st.binary(max_size=200),
                     st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_loader_turns_any_bytes_into_problems(raw: bytes) -> None:
    """Arbitrary bytes (binary, broken UTF-8, YAML-ish text) never escape as an exception."""
    try:
        text = loader.decode_text(raw, "fuzz.yaml")
    except HimcalcError:
        return
    problems = loader.load_text(text, "fuzz.yaml", Datasets())
    assert all(str(p).startswith("fuzz.yaml") for p in problems)


def test_rate_in_exponent_notation(capsys: pytest.CaptureFixture[str]) -> None:
    """A rate written the way Python prints small floats (`1e-05`) is accepted as 0.00001."""
    assert main_entry(["compare", "-f", "json", "--discount-rate=1e-05"]) == 0
