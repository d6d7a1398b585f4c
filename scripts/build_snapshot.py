#!/usr/bin/env python3
"""Validate the shipped datasets with the models and write their snapshot for fast runs.

    python scripts/build_snapshot.py           # (re)write the two files below
    python scripts/build_snapshot.py --check   # write nothing; exit 1 if one is stale

Every `data/*.yaml` (and `*.yml`) file is loaded and validated exactly as a run would
(`himcalc.loader`: the pydantic models, the number rules, duplicate ids, references between
datasets); any problem stops the script. The validated records are written, generically
(whatever datasets and models there are), to `src/himcalc/shipped.jsonl`, the format that
`himcalc.shipped` reads into plain records without importing pydantic or the models. Its
key is the SHA-256 of every data file and of the sources that define validation (the
models, the loader, the number rules): `tests/test_shipped.py` fails when the file is not
what this script writes now, so rerun it after changing any of them.

A model method or property the engine may call must live in a behaviour class of
`himcalc/models/plain.py` (the plain records inherit it from there); the script refuses a
model that defines one itself, naming it.

It also writes `src/himcalc/cli/scenario_schema.json`: the core schema of the scenario model
as a person writes it (`cli.inputs.ScenarioInput`), with which `cli.reading.validate_flags`
validates command-line flags by pydantic-core alone (same checks, same messages). Functions
and classes are written as {"$f"|"$c": "module:qualname"}, enum members as {"$e": ..., "v":
value}; the model's class is replaced by `engine.scenario_rules.PlainScenario`; metadata and
serialisers (not used to validate) are left out.

Needs himcalc installed (`pip install -e .`).
"""

from __future__ import annotations

import argparse
import enum
import hashlib
import json
import math
import sys
import zlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "src" / "himcalc" / "shipped.jsonl"
SCENARIO_SCHEMA = ROOT / "src" / "himcalc" / "cli" / "scenario_schema.json"
KEY_SOURCES = ("src/himcalc/models/*.py", "src/himcalc/loader.py", "src/himcalc/numbers.py")
"""Besides the data files, what decides whether the data validates and what it holds."""


def inputs(root: Path = ROOT) -> dict[str, dict]:
    """Each input's SHA-256 (and, for a data file, the CRC-32 a run checks), by path."""
    from himcalc.shipped import data_files

    found: dict[str, dict] = {}
    for name, path in data_files(root / "data").items():
        raw = path.read_bytes()
        found[name] = {"sha256": hashlib.sha256(raw).hexdigest(), "crc32": zlib.crc32(raw)}
    for pattern in KEY_SOURCES:
        for path in sorted(root.glob(pattern)):
            found[path.relative_to(root).as_posix()] = {
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    return found


def key_of(found: dict[str, dict]) -> str:
    """One SHA-256 over every input's path and SHA-256."""
    text = "".join(f"{name}\0{v['sha256']}\n" for name, v in sorted(found.items()))
    return hashlib.sha256(text.encode()).hexdigest()


class Encoder:
    """Turns validated records into the snapshot's JSON values (format: `himcalc.shipped`)."""

    def __init__(self) -> None:
        self.classes: dict[type, int] = {}
        self.class_rows: list[list] = []
        self.enums: dict[type, int] = {}
        self.enum_rows: list[str] = []

    def encode(self, value: Any, where: str) -> Any:
        from pydantic import AnyUrl, BaseModel

        if isinstance(value, BaseModel):
            index = self._class(type(value))
            fields = type(value).model_fields
            return {"$r": index, "v": [self.encode(getattr(value, f), f"{where}.{f}")
                                       for f in fields]}
        if isinstance(value, enum.Enum):
            return {"$e": self._enum(type(value)), "v": value.value}
        if value is None or isinstance(value, bool | int | str):
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                raise SystemExit(f"{where}: {value} cannot be written to the snapshot")
            return value
        if isinstance(value, AnyUrl):
            return str(value)
        if isinstance(value, date) and not isinstance(value, datetime):
            return {"$d": value.isoformat()}
        if isinstance(value, list):
            return [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, tuple):
            return {"$t": [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]}
        if isinstance(value, dict):
            pairs = [(self.encode(k, where), self.encode(v, f"{where}.{k}"))
                     for k, v in value.items()]
            if all(isinstance(k, str) and not k.startswith("$") for k, _ in pairs):
                return dict(pairs)
            return {"$m": [list(p) for p in pairs]}
        raise SystemExit(f"{where}: a {type(value).__name__} cannot be written to the snapshot "
                         "yet: teach scripts/build_snapshot.py and himcalc/shipped.py this type")

    def _class(self, model: type) -> int:
        if model not in self.classes:
            self.classes[model] = len(self.class_rows)
            self.class_rows.append([model.__name__, list(model.model_fields),
                                    behaviour_of(model)])
        return self.classes[model]

    def _enum(self, kind: type) -> int:
        if kind not in self.enums:
            self.enums[kind] = len(self.enum_rows)
            self.enum_rows.append(f"{kind.__module__}:{kind.__qualname__}")
        return self.enums[kind]


def behaviour_of(model: type) -> list[str]:
    """The behaviour classes ("module:qualname") of `model`, after checking that a plain
    record built from its fields and them offers every public attribute the model has."""
    from pydantic import BaseModel

    from himcalc.models.plain import BEHAVIOUR_MODULE, PlainRecord

    classes = [c for c in model.__mro__ if c.__module__ == BEHAVIOUR_MODULE]
    offered = {name for c in classes for name in vars(c)}
    for name in dir(model):
        if name.startswith("_") or name in model.model_fields or hasattr(BaseModel, name):
            continue
        if name not in offered:
            raise SystemExit(f"{model.__module__}.{model.__qualname__}.{name} is defined on the "
                             "pydantic model: move it to a behaviour class in "
                             "himcalc/models/plain.py so that plain records have it too")
    for name in model.model_fields:
        if name in offered or hasattr(PlainRecord, name):
            raise SystemExit(f"field {model.__qualname__}.{name} clashes with an attribute of "
                             "its plain record (himcalc/models/plain.py)")
    return [f"{c.__module__}:{c.__qualname__}" for c in classes]


def build(root: Path = ROOT) -> str:
    """The snapshot's text for the data files under `root`/data (validated first)."""
    from himcalc import loader
    from himcalc.shipped import FORMAT, data_files

    data, problems = loader.collect(list(data_files(root / "data").items()))
    problems = problems or data.cross_reference_problems()
    if problems:
        raise SystemExit("the shipped data does not validate:\n" +
                         "\n".join(f"  {p}" for p in problems))
    encoder = Encoder()
    lines = []
    for dataset, records in data.records.items():
        for rec_id, record in records.items():
            file, line = data.origin[(dataset, rec_id)]
            value = encoder.encode(record, f"{file} ({dataset}, record '{rec_id}')")
            lines.append(json.dumps([dataset, file, line, value], ensure_ascii=False,
                                    separators=(",", ":"), allow_nan=False))
    found = inputs(root)
    header = {"format": FORMAT, "key": key_of(found), "inputs": found,
              "classes": encoder.class_rows, "enums": encoder.enum_rows, "files": data.files}
    return "\n".join([json.dumps(header, ensure_ascii=False, separators=(",", ":")), *lines]
                     ) + "\n"


def build_scenario_schema() -> str:
    """The text of `scenario_schema.json` (see the module docstring)."""
    import re

    from himcalc.cli.inputs import ScenarioInput
    from himcalc.engine.scenario_rules import PlainScenario

    def path(obj: Any) -> str:
        return f"{obj.__module__}:{obj.__qualname__}"

    def encode(value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            out = {k: encode(v, k) for k, v in value.items()
                   if k not in ("metadata", "serialization")}
            if out.get("type") == "model" and value.get("cls") is ScenarioInput:
                out["cls"] = {"$c": path(PlainScenario)}
            return out
        if isinstance(value, list | tuple):
            return [encode(v) for v in value]
        if isinstance(value, enum.Enum):
            return {"$e": path(type(value)), "v": value.value}
        if isinstance(value, type) or callable(value):
            return {"$c" if isinstance(value, type) else "$f": path(value)}
        if isinstance(value, float) and not math.isfinite(value):
            raise SystemExit(f"the scenario schema holds {value}: JSON cannot")
        if key in ("ref", "schema_ref") and isinstance(value, str):
            return re.sub(r":\d+$", "", value)  # the id() pydantic appends differs by run
        if value is None or isinstance(value, bool | int | float | str):
            return value
        raise SystemExit(f"the scenario schema holds a {type(value).__name__}: teach "
                         "scripts/build_snapshot.py and himcalc/cli/reading.py this type")

    fields = ScenarioInput.model_fields
    if any(f.default_factory is not None for f in fields.values()):
        raise SystemExit("a scenario field has a default_factory: PlainScenario cannot tell it")
    doc = {"schema": encode(ScenarioInput.__pydantic_core_schema__),
           "defaults": {name: encode(f.default) for name, f in fields.items()}}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the snapshot is not up to date")
    args = parser.parse_args()
    stale = 0
    for target, text in ((SNAPSHOT, build()), (SCENARIO_SCHEMA, build_scenario_schema())):
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        if args.check:
            print(f"{target.relative_to(ROOT)} is stale: run python scripts/build_snapshot.py",
                  file=sys.stderr)
            stale = 1
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)} ({len(text):,} bytes)", file=sys.stderr)
    return stale


if __name__ == "__main__":
    sys.exit(main())
