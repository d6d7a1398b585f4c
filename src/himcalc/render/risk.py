"""The reports of `simulate` and `sensitivity`: their tables and the notes under them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from himcalc.render.columns import Column, money, number, percent, text, years
from himcalc.render.pricing import choices_text, local_notes
from himcalc.render.report import Report

if TYPE_CHECKING:
    from himcalc.app.sensitivity import SensitivityResult, SensitivityTask
    from himcalc.app.simulate import SimulateResult
    from himcalc.models.store import Datasets

SIMULATE_COLUMNS = [
    Column("pathway", "Pathway", text, "left"),
    Column("institution", "Institution", text, "left", priority=2, wrap=False),
    Column("runs", "Runs", number, priority=4),
    Column("p_payback_within", "P(payback ≤ N)", percent),
    Column("payback_p10", "Payback P10", years, priority=3),
    Column("payback_p50", "Payback P50", years),
    Column("payback_p90", "Payback P90", years, priority=3),
    Column("npv_p10", "NPV P10", money, priority=1),
    Column("npv_p50", "NPV P50", money),
    Column("npv_p90", "NPV P90", money, priority=1),
    Column("npv_mean", "Mean NPV", money, priority=4),
    Column("p_npv_positive", "P(NPV > 0)", percent),
]

SIMULATE_KEYS = [
    "pathway", "institution", "study_mode", "runs", "seed", "within_years", "p_payback_within",
    "p_never", "payback_p10", "payback_p50", "payback_p90", "npv_p10", "npv_p50", "npv_p90",
    "npv_mean", "npv_se", "p_npv_positive", "completion_probability", "salary_spread",
    "wage_growth_sd", "time_spread",
]
"""Keys of a `simulate` row, in JSON and CSV order (a documented contract: docs/risk.md)."""


def simulate_report(data: Datasets, result: SimulateResult, several_institutions: bool,
                    data_path: Path | None = None) -> tuple[Report, list[str]]:
    """`simulate`'s report, and the notes machine formats write to stderr (programme, state
    and skipped options)."""
    s = result.settings
    notes = [
        f"{s.runs:,} simulated people per pathway, seed {s.seed} (--seed {s.seed} "
        f"repeats this run). P(payback ≤ N): payback within {s.within:g} years from the start "
        "of study; 'never' = not within the horizon.",
        f"Draws: salary position on the occupation's published percentiles (two-piece "
        f"lognormal) × {s.salary_spread:g}; real wage growth ± {percent(s.wage_growth_sd)} "
        f"(sd); completion Bernoulli; part-time time to complete ± {s.time_spread:.0%}. "
        "Method: docs/risk.md.",
    ]
    choices = choices_text(result.base, ("institution",) if several_institutions else (),
                           result.programs, data_path)
    notes += [choices] if choices else []
    local: list[str] = []
    for o in result.local:
        local += local_notes(data, o.base, o.scenario, o.pathway, o.choice, o.plan)
    local = list(dict.fromkeys(local))
    local += [f"Skipped (cannot be priced): {s}." for s in result.skipped]
    notes += local
    rows = result.rows
    row_keys = SIMULATE_KEYS
    columns = SIMULATE_COLUMNS
    if rows and "program" in rows[0]:
        row_keys = [SIMULATE_KEYS[0], "program", *SIMULATE_KEYS[1:]]
        columns = [SIMULATE_COLUMNS[0], Column("program", "Programme", text, "left",
                                               wrap=False), *SIMULATE_COLUMNS[1:]]
    data_rows = [{k: r[k] for k in row_keys} for r in rows]
    return Report(rows=rows, columns=columns, keys=row_keys, notes=notes,
                  data=data_rows), local


SENSITIVITY_COLUMNS = [
    Column("label", "Input", text, "left"),
    Column("low_text", "Low", text, wrap=True),
    Column("high_text", "High", text, wrap=True),
    Column("npv_low", "NPV low", money, priority=1),
    Column("npv_high", "NPV high", money, priority=1),
    Column("npv_swing", "Swing", money),
    Column("payback_low", "Payback low", years, priority=2),
    Column("payback_high", "Payback high", years, priority=2),
    Column("bar", "NPV: ░ low  █ high", text, "left", wrap=False),
]

SENSITIVITY_KEYS = [
    "input", "label", "kind", "low", "high", "low_value", "high_value", "npv_low", "npv_high",
    "npv_swing", "payback_low", "payback_high", "base_npv", "base_payback",
]
"""Keys of a `sensitivity` row in JSON and CSV order."""

GRID_KEYS = [
    "input_a", "level_a", "value_a", "input_b", "level_b", "value_b", "payback_years",
    "discounted_payback_years", "npv",
]


def level_text(kind: str, level: float, value: float | None) -> str:
    """How people read one level of an input (e.g. `-20% ($3,368)`, `p25`, `+1 y`)."""
    if kind == "multiplier":
        change = f"{level - 1:+.0%}" if level != 1 else "base"
        return f"{change} ({money(value)})" if value is not None else change
    if kind == "percentile":
        return f"p{level:g}"
    if kind == "rate":
        return percent(level)
    if kind == "years":
        return "base" if level == 0 else f"{level:+g} y"
    if kind == "points":
        shift = "base" if level == 0 else f"{level * 100:+g} pts"
        return f"{shift} ({percent(value)})" if value is not None else f"{shift} (no loan)"
    if kind == "probability":
        return ("sector " if level < 0 else "") + percent(value)
    return number(level)


def sensitivity_notes(data: Datasets, chosen: SensitivityTask) -> list[str]:
    """The programme and state notes of the option studied."""
    if chosen.plan is None:
        return []
    return local_notes(data, chosen.given, chosen.scenario, chosen.pathway, chosen.choice,
                       chosen.plan)


def sensitivity_report(result: SensitivityResult, machine: bool, local: list[str],
                       program: str | None, data_path: Path | None = None) -> Report:
    """The tornado table (or the grid: long rows for `machine` formats, a wide table for
    people), with `local` (the programme and state notes) last."""
    chosen = result.task
    if result.axes is not None:
        report = _grid_report(result.rows, machine, result.axes)
        report.notes += local
        return report
    rows = [dict(r) for r in result.rows]
    _decorate(rows)
    base = rows[0] if rows else {}
    notes = [
        f"Base: NPV {money(base.get('base_npv'))}, payback {years(base.get('base_payback'))} "
        "years from the start of study. Rows sorted by NPV swing; each row moves one input "
        "and keeps the rest at the scenario's values. Loan rate moves nothing without --borrow."
    ]
    choices = choices_text(chosen.given, programs=(program,) if program else (),
                           data_path=data_path)
    notes += [choices] if choices else []
    notes += local
    pid, choice = chosen.pathway, chosen.choice
    title = f"Sensitivity of {pid}" if choice is None else (
        f"Sensitivity of {choice.key} ({choice.name}, as {pid})")
    return Report(rows=rows, columns=SENSITIVITY_COLUMNS, keys=SENSITIVITY_KEYS,
                  title=title, notes=notes,
                  data=[{k: r[k] for k in SENSITIVITY_KEYS} for r in rows])


def _decorate(rows: list[dict]) -> None:
    """Add the people-facing level labels and the tornado bar (table formats only)."""
    from himcalc.render.chart import tornado_bar

    scale = max((max(abs(r["npv_low"] - r["base_npv"]), abs(r["npv_high"] - r["base_npv"]))
                 for r in rows), default=0.0)
    for r in rows:
        r["low_text"] = level_text(r["kind"], r["low"], r["low_value"])
        r["high_text"] = level_text(r["kind"], r["high"], r["high_value"])
        r["bar"] = tornado_bar(r["npv_low"] - r["base_npv"], r["npv_high"] - r["base_npv"], scale)


def _grid_report(rows: list[Any], machine: bool, axes: tuple[str, str]) -> Report:
    """Long rows (one per cell) for machine formats; a wide table (a × b) for people."""
    from himcalc.engine.sensitivity import spec

    if machine:
        return Report(rows=rows, columns=[], keys=GRID_KEYS)
    spec_a, spec_b = spec(axes[0]), spec(axes[1])
    b_levels = list(dict.fromkeys((r["level_b"], r["value_b"]) for r in rows))
    columns = [Column("a", f"{spec_a.label} \\ {spec_b.label}", text, "left")]
    columns += [Column(f"b{i}", level_text(spec_b.kind, lb, vb), years)
                for i, (lb, vb) in enumerate(b_levels)]
    wide: dict[tuple, dict] = {}
    for r in rows:
        key = (r["level_a"], r["value_a"])
        row = wide.setdefault(key, {"a": level_text(spec_a.kind, *key)})
        row[f"b{b_levels.index((r['level_b'], r['value_b']))}"] = r["payback_years"]
    return Report(rows=list(wide.values()), columns=columns,
                  title=f"Payback (years from the start of study) over {axes[0]} × {axes[1]}",
                  notes=["'never' = not paid back within the horizon. JSON/CSV give one row per "
                         "cell with NPV and discounted payback too."])
