"""Issue 14 §2: each contract has one source, and a test ties what repeats it to that source."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from himcalc.engine.metrics import METRIC_KEYS, Metrics
from himcalc.engine.scenario import LOAN_PLANS, Scenario
from himcalc.models.enums import LOAN_PLAN_RECORD_KINDS, LoanPlan

ROOT = Path(__file__).resolve().parents[1]


def test_metric_keys_are_the_metrics_fields() -> None:
    """The keys of a metrics row (JSON objects, CSV columns) are `Metrics`' fields, in order."""
    assert tuple(f.name for f in dataclasses.fields(Metrics)) == METRIC_KEYS
    assert len(set(METRIC_KEYS)) == len(METRIC_KEYS) == 33


def test_readme_lists_metric_keys_in_their_order() -> None:
    """README's `compare -f json` key list names real keys, in the order the rows have them (a
    renamed or reordered field fails here until the README follows)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    span = text.split("`compare -f json` is an array of row objects (", 1)[1]
    span = span.split("; `show -f", 1)[0]
    span = re.sub(r"`irr_status` \([^)]*\)", "`irr_status`", span)
    listed = re.findall(r"`([a-z_0-9]+)`", span)
    assert len(listed) >= 20
    positions = [METRIC_KEYS.index(key) for key in listed]  # ValueError: not a metric key
    assert positions == sorted(positions)


def test_loan_plans_are_one_enum() -> None:
    """The scenario's loan plans, the field's pattern and the record kinds all come from
    `LoanPlan`; the pattern accepts exactly its values."""
    assert LOAN_PLANS == ("tiered", "standard-10", "rap")
    assert tuple(LoanPlan) == LOAN_PLANS
    assert set(LOAN_PLAN_RECORD_KINDS) == set(LoanPlan)
    pattern = next(m.pattern for m in Scenario.model_fields["loan_plan"].metadata
                   if hasattr(m, "pattern"))
    assert [p for p in (*LOAN_PLANS, "standard_10", "ibr") if re.fullmatch(pattern, p)] == list(
        LOAN_PLANS)


def test_every_loan_plan_has_a_record_in_the_shipped_data() -> None:
    """Each plan's `record_kind` names a repayment-plan record the shipped data holds."""
    from himcalc import loader

    kinds = {p.kind for p in loader.load().get("repayment_plans").values()}
    assert {p.record_kind for p in LoanPlan} <= kinds


def test_both_ops_backends_satisfy_the_ops_protocol() -> None:
    """The float and the numpy backend each offer every operation of `Ops` (the formulas'
    one interface), and agree on `most`, the loop bound that replaced a backend test."""
    import numpy as np

    from himcalc.engine.ops import SCALAR, Ops, array_ops

    vector = array_ops()
    assert isinstance(SCALAR, Ops)
    assert isinstance(vector, Ops)
    assert (SCALAR.vector, vector.vector) == (False, True)
    assert [SCALAR.most(x) for x in (3.0, 0.0, -2.0)] == [3, 0, 0]
    assert vector.most(np.array([3.0, 7.0, -2.0])) == 7
    assert vector.most(np.array([-1.0, -2.0])) == 0


def _command_callbacks() -> dict[str, object]:
    """Every command's function (a group's sub-commands as `group sub`), unwrapped."""
    import importlib
    import inspect

    import typer

    from himcalc.cli.main import COMMAND_MODULES

    found: dict[str, object] = {}
    for module in dict.fromkeys(COMMAND_MODULES.values()):
        app = typer.Typer()
        importlib.import_module(module).register(app)
        groups = [(g.name, g.typer_instance) for g in app.registered_groups]
        for prefix, sub in [("", app), *((f"{n} ", t) for n, t in groups)]:
            for command in sub.registered_commands:
                callback = inspect.unwrap(command.callback)
                found[prefix + (command.name or callback.__name__)] = callback
    return found


def test_every_command_body_is_short() -> None:
    """A command body only parses, calls `himcalc.app` and renders: at most 15 lines after
    its docstring (issue 14), for each of the 12 commands."""
    import ast
    import inspect
    import textwrap

    lengths = {}
    for name, callback in _command_callbacks().items():
        tree = ast.parse(textwrap.dedent(inspect.getsource(callback)))
        body = tree.body[0].body  # type: ignore[attr-defined]
        if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        lengths[name] = body[-1].end_lineno - body[0].lineno + 1
    assert len(lengths) == 12
    assert {k: n for k, n in lengths.items() if n > 15} == {}
