"""The reports of `himcalc data …` (list, show, validate, sources)."""

from __future__ import annotations

from typing import Any

from himcalc.render.columns import Column, number, text
from himcalc.render.report import Report


def _join(values: Any) -> str:
    return ", ".join(map(str, values))


def datasets_report(rows: list[dict]) -> Report:
    table = [Column("dataset", "Dataset", text, "left"), Column("records", "Records", number),
             Column("vintage", "Vintage", text), Column("assumptions", "Assumptions", number),
             Column("files", "Files", lambda v: ", ".join(v), "left")]
    return Report(rows=rows, columns=table)


def records_report(records: list[Any], json: bool) -> Report:
    """Every record flat (JSON: each record whole, its source included)."""
    from himcalc.app.data import flatten

    rows = [flatten(r) for r in records]
    if json:
        return Report(rows=rows, columns=[], data=[r.model_dump(mode="json") for r in records])
    keys = list(dict.fromkeys(k for r in rows for k in r))
    shown = [k for k in keys if k != "url"]
    # at a narrow width the id, the name and the source stay; other fields go from the right
    first = {"id": 0, "name": 0, "source": 1}
    return Report(rows=rows, keys=keys, columns=[
        Column(k, k, _cell, "left", priority=first.get(k, 2 + i), wrap=k != "id")
        for i, k in enumerate(shown)])


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    return text(value)


PROBLEM_KEYS = ("file", "line", "dataset", "record", "field", "message")


def problems_report(problems: list[Any]) -> Report:
    """One row per problem (machine formats of `data validate`)."""
    rows = [{k: getattr(p, k) for k in PROBLEM_KEYS} for p in problems]
    columns = [Column(k, k, text, "left") for k in PROBLEM_KEYS]
    return Report(rows=rows, columns=columns, keys=[c.key for c in columns])


def sources_report(rows: list[dict]) -> Report:
    table = [Column("title", "Source", text, "left"),
             Column("years", "Years", _join, "left", priority=2),
             Column("datasets", "Datasets", _join, "left"),
             Column("records", "Records", number, priority=3),
             Column("url", "URL", text, "left", priority=9, under="title")]
    return Report(rows=rows, columns=table)
