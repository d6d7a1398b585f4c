"""The shipped datasets as plain records, from a snapshot validated when it was generated.

The YAML files in `data/` never change between runs, so they are validated by the pydantic
models (which define their shape and checks) once, by `scripts/build_snapshot.py`, which
writes `shipped.jsonl` beside this module; a test fails when the snapshot is stale (the
SHA-256 of every data file and of the model sources is its key). A run without `--data` or
`HIMCALC_DATA` loads the snapshot here as plain records (`models.plain`), importing neither
yaml nor pydantic nor the models: a user's data files are still validated by the models
(`himcalc.loader`), as are `data validate`, `--scenario` and `batch` lines.

Format (JSON Lines): the first line is a header object (`format`, `key`, `inputs`: each
input file's SHA-256 and CRC-32, `classes`: [model name, field names, behaviour classes],
`enums`: "module:qualname", `files`: the data files in load order); each further line is one
record: [dataset, file, line, value]. A value is JSON, with tagged objects for what JSON does
not hold: {"$r": class index, "v": [field values]} a record, {"$e": enum index, "v": value}
an enum member, {"$d": "YYYY-MM-DD"} a date, {"$t": [...]} a tuple, {"$m": [[key, value],
...]} a dict whose keys are not all text.

Before it is used, the snapshot is checked against the data files actually shipped (their
names and CRC-32): a data file edited without regenerating the snapshot (in a source
checkout) makes `load` return None, and the caller validates the YAML instead.
"""

from __future__ import annotations

import functools
import json
import zlib
from datetime import date
from pathlib import Path
from typing import Any

from himcalc.models.plain import plain_class, resolve
from himcalc.models.store import Datasets

FORMAT = 1
SNAPSHOT = Path(__file__).with_name("shipped.jsonl")
DATA_SUFFIXES = (".yaml", ".yml")


def data_dir() -> Path | None:
    """The shipped data directory: `himcalc/data` of an installed package, or the
    repository's `data/` in a source checkout (as `loader.shipped_files`); None if neither."""
    here = Path(__file__).parent
    for root in (here / "data", here.parents[1] / "data"):
        if root.is_dir():
            return root
    return None


def data_files(root: Path) -> dict[str, Path]:
    """The data files of `root` by their name in the snapshot ("data/<file>"), sorted."""
    return {f"data/{p.name}": p for p in sorted(root.iterdir()) if p.suffix in DATA_SUFFIXES}


def load(snapshot: Path = SNAPSHOT) -> Datasets | None:
    """The shipped datasets from the snapshot, or None when there is no snapshot or it does
    not match the data files shipped (then the caller validates the YAML files)."""
    try:
        header_line, _, body = snapshot.read_text(encoding="utf-8").partition("\n")
        header = json.loads(header_line)
    except (OSError, ValueError):
        return None
    if header.get("format") != FORMAT or not _matches(header["inputs"]):
        return None
    classes = [plain_class(*entry) for entry in header["classes"]]
    enums = [resolve(path) for path in header["enums"]]

    def decode(obj: dict) -> Any:
        if "$r" in obj:
            return classes[obj["$r"]](*obj["v"])
        if "$e" in obj:
            return enums[obj["$e"]](obj["v"])
        if "$d" in obj:
            return date.fromisoformat(obj["$d"])
        if "$t" in obj:
            return tuple(obj["$t"])
        if "$m" in obj:
            return dict(obj["$m"])
        return obj

    rows = json.loads("[" + body.rstrip("\n").replace("\n", ",") + "]", object_hook=decode)
    data = Datasets(files=list(header["files"]))
    records, origin = data.records, data.origin
    for dataset, file, line, record in rows:
        records.setdefault(dataset, {})[record.id] = record
        origin[(dataset, record.id)] = (file, line)
    root = data_dir()
    for rec in data.get("extracts").values():
        if root is not None:
            data.readers[rec.id] = functools.partial(_read_table, root / rec.file,
                                                     f"data/{rec.file}", rec)
    return data


def _read_table(path: Path, name: str, record: Any) -> tuple:
    """An extract's rows, checked by the loader's reader (imported only when one is read)."""
    from himcalc.loader import read_table

    return read_table(path, name, record)


def _matches(inputs: dict[str, dict]) -> bool:
    """Whether the shipped data files are those the snapshot was made from (names, CRC-32)."""
    root = data_dir()
    if root is None:
        return False
    files = data_files(root)
    made_from = {name: v["crc32"] for name, v in inputs.items() if name.startswith("data/")}
    if set(files) != set(made_from):
        return False
    try:
        return all(zlib.crc32(path.read_bytes()) == made_from[name]
                   for name, path in files.items())
    except OSError:
        return False
