"""`himcalc data …`: what the datasets hold, where their figures come from, and whether a
user's data files would be accepted. Each function returns rows (or problems) that
`himcalc.render.data` prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from himcalc.errors import DatasetError, UsageError
from himcalc.models.store import Problem


def _vintage(records: dict[str, Any]) -> str:
    years = sorted({r.source.year for r in records.values()})
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def datasets(data: Any) -> list[dict]:
    """One row per dataset: its record count, vintage (years of the figures), how many of its
    records are assumptions, and its files."""
    return [
        {"dataset": name, "records": len(recs), "vintage": _vintage(recs),
         "assumptions": sum(r.assumption for r in recs.values()),
         "files": sorted({data.origin[(name, rid)][0] for rid in recs})}
        for name, recs in data.records.items()
    ]


def records(data: Any, name: str) -> list[Any]:
    """Every record of dataset `name` (a UsageError naming the datasets if it is unknown)."""
    if name not in data.records:
        raise UsageError(f"unknown dataset '{name}' (known: {', '.join(data.records)})")
    return list(data.get(name).values())


def flatten(record: Any) -> dict:
    """A record as one flat row: its fields, then its source as text and its URL."""
    row = record.model_dump(mode="json", exclude={"source", "note"})
    row["source"] = f"{record.source.title} ({record.source.year})"
    row["url"] = str(record.source.url)
    return row


def validate(path: Path) -> list[Problem]:
    """Every problem of the data files at `path` read over the shipped data: schema and
    file errors, then cross-references, then what no command could price. A DatasetError if
    the shipped data itself is invalid."""
    from himcalc import loader

    data, problems = loader.collect(loader.shipped_files())
    if problems:
        raise DatasetError(f"the shipped data is invalid: {problems[0]}")
    _, user_problems = loader.collect(loader.user_files(path), into=data)
    if not user_problems:
        user_problems = data.cross_reference_problems()
    if not user_problems:
        user_problems = plan_problems(data, str(path))
    return user_problems


def plan_problems(data: Any, where: str) -> list[Problem]:
    """What the commands would refuse in data that validates record by record: each pathway
    is planned and evaluated for the default scenario (with the first education it accepts),
    as `compare` does; a failure shared by several pathways is one problem naming them all."""
    from himcalc.engine.metrics import evaluate
    from himcalc.engine.plan import make_plan
    from himcalc.engine.scenario import Scenario
    from himcalc.errors import HimcalcError

    failures: dict[str, list[str]] = {}
    for pid, pathway in data.get("pathways").items():
        try:
            scenario = Scenario(education=pathway.requires_education[0])
            evaluate(make_plan(data, scenario, pid))
        except (HimcalcError, ValueError, ArithmeticError) as exc:
            failures.setdefault(getattr(exc, "message", str(exc)), []).append(pid)
    return [Problem(f"no command can price {_pathways(pids, data)} with the default scenario: "
                    f"{message}", file=where) for message, pids in failures.items()]


def _pathways(pids: list[str], data: Any) -> str:
    if len(pids) == len(data.get("pathways")) > 1:
        return "any pathway"
    return "pathway " + ", ".join(f"'{p}'" for p in pids)


def schema() -> dict:
    """The JSON Schema of a data file (every dataset), for editors."""
    from pydantic import TypeAdapter

    from himcalc.models.dataset import RECORD_TYPES

    props: dict[str, Any] = {"title": {"type": "string"}, "description": {"type": "string"},
                             "dataset": {"type": "string"}}
    defs: dict[str, Any] = {}
    for name, model in RECORD_TYPES.items():
        adapter: TypeAdapter[Any] = TypeAdapter(list[model])  # type: ignore[valid-type]
        sub = adapter.json_schema(ref_template="#/$defs/{model}")
        defs.update(sub.pop("$defs", {}))
        props[name] = sub
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "himcalc data file", "type": "object", "properties": props,
            "additionalProperties": False, "$defs": defs}


def sources(data: Any) -> list[dict]:
    """One row per source cited (title and URL): the years of its figures, the datasets and
    how many records cite it; by first dataset, then title."""
    seen: dict[tuple[str, str], dict] = {}
    for name, recs in data.records.items():
        for r in recs.values():
            url = str(r.source.url)
            row = seen.setdefault((url, r.source.title), {
                "title": r.source.title, "url": url, "years": set(), "datasets": set(),
                "records": 0})
            row["years"].add(r.source.year)
            row["datasets"].add(name)
            row["records"] += 1
    rows = [{**r, "years": sorted(r["years"]), "datasets": sorted(r["datasets"])}
            for r in seen.values()]
    rows.sort(key=lambda r: (r["datasets"][0], r["title"]))
    return rows
