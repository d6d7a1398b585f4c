"""The only code that opens data files or imports yaml.

YAML is parsed with libyaml's `CSafeLoader` when present (`SafeLoader` otherwise): no
Python-object tags, duplicate keys refused, aliases allowed only while the expanded
document stays small (a "billion laughs" file fails in microseconds), and every mapping
remembers the line of each key so that a validation error can say where it is.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from himcalc.errors import DatasetError, plain_message
from himcalc.models.dataset import RECORD_TYPES, Datasets, Problem
from himcalc.models.extracts import Extract
from himcalc.numbers import boolean_problem, number_problem

try:
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 40
META_KEYS = ("title", "description", "dataset")


class LineDict(dict):
    """A dict that remembers its own line and the line of each key (1-based)."""

    line: int | None = None
    key_lines: dict[Any, int]


class _DataLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, found {node.id}", node.start_mark
            )
        own = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
        self.flatten_mapping(node)  # a merge key's pairs come first; the mapping's own follow
        merged = len(node.value) - own
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        given: set = set()  # keys written in this mapping itself (they override merged ones)
        for i, (key_node, value_node) in enumerate(node.value):
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, "mapping keys must be plain scalars", key_node.start_mark
                )
            if i >= merged:
                if key in given:
                    raise yaml.constructor.ConstructorError(
                        None, None,
                        f"duplicate key '{key}' (first given on line {result.key_lines[key]})",
                        key_node.start_mark,
                    )
                given.add(key)
            result[key] = self.construct_object(value_node, deep=deep)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result


    def construct_strict_number(self, node: yaml.ScalarNode) -> int | float:
        """A plain YAML number under the one rule (`himcalc.numbers`): YAML 1.1's octal
        (`045000`), base 60 (`1:30`), hex and `_` are refused with advice, never read."""
        problem = number_problem(node.value)
        if problem is not None and not _YAML_SPECIAL.fullmatch(node.value):
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
        if node.tag.endswith(":int"):
            return self.construct_yaml_int(node)
        return self.construct_yaml_float(node)


_YAML_SPECIAL = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
"""YAML's own spelling of infinity and NaN: read, so that the models say "must be finite"."""

_DataLoader.add_constructor("tag:yaml.org,2002:map", _DataLoader.construct_mapping)
_DataLoader.add_constructor("tag:yaml.org,2002:int", _DataLoader.construct_strict_number)
_DataLoader.add_constructor("tag:yaml.org,2002:float", _DataLoader.construct_strict_number)


def _fail(message: str, file: str, line: int | None = None) -> DatasetError:
    """A `DatasetError` that carries its located `Problem` for `data validate`."""
    problem = Problem(message, file=file, line=line)
    err = DatasetError(str(problem))
    err.problem = problem  # type: ignore[attr-defined]
    return err


def _check_size(node: yaml.Node, file: str) -> None:
    """Refuse documents that expand too far (alias bombs) or nest too deep, before building them."""
    sizes: dict[int, int] = {}

    def visit(n: yaml.Node, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise _fail(f"nested more than {MAX_DEPTH} levels deep", file, n.start_mark.line + 1)
        if id(n) in sizes:
            return sizes[id(n)]
        if isinstance(n, yaml.SequenceNode):
            total = 1 + sum(visit(c, depth + 1) for c in n.value)
        elif isinstance(n, yaml.MappingNode):
            total = 1 + sum(visit(k, depth + 1) + visit(v, depth + 1) for k, v in n.value)
        else:
            total = 1
        if total > MAX_NODES:
            raise _fail(
                f"document expands to more than {MAX_NODES:,} values (an alias bomb?)",
                file, n.start_mark.line + 1,
            )
        sizes[id(n)] = total
        return total

    visit(node, 0)


def read_text(path: Path | resources.abc.Traversable, file: str) -> str:
    """The text of a data or scenario file, read at most `MAX_FILE_BYTES` + 1 bytes.

    Whatever the path names (a regular file, a pipe, /dev/zero), no more than the limit is
    ever read, and a larger input is refused.
    """
    def not_a_folder(p: Path) -> None:
        if p.is_dir():
            raise _fail("is a directory, not a data file", file)

    raw = _read_at_most(path, MAX_FILE_BYTES, file, not_a_folder)
    return decode_text(check_size(raw, file), file)


def _read_at_most(path: Any, limit: int, file: str, check: Any, where: str = "") -> bytes:
    """At most `limit` + 1 bytes of `path` (a `Path`, after `check(path)`, or a packaged
    resource), whatever it names; a failure to read is a `DatasetError` naming `file`."""
    try:
        if isinstance(path, Path):
            check(path)
            with path.open("rb") as fh:
                return fh.read(limit + 1)
        return path.read_bytes()
    except DatasetError:
        raise
    except OSError as exc:
        raise _fail(f"cannot read: {exc.strerror or exc}{where}", file) from None


def read_stream(stream: Any, file: str) -> str:
    """The text of a stream (stdin), read at most `MAX_FILE_BYTES` + 1 bytes."""
    binary = getattr(stream, "buffer", None)
    try:
        if binary is not None:
            raw = binary.read(MAX_FILE_BYTES + 1)
        else:  # a text-only stream (a test runner's stdin)
            raw = stream.read(MAX_FILE_BYTES + 1).encode("utf-8", "surrogateescape")
    except OSError as exc:
        raise _fail(f"cannot read: {exc.strerror or exc}", file) from None
    return decode_text(check_size(raw, file), file)


def check_size(raw: bytes, file: str) -> bytes:
    if len(raw) > MAX_FILE_BYTES:
        raise _fail(f"larger than {MAX_FILE_BYTES:,} bytes (the limit of a data or scenario "
                    "file)", file)
    return raw


def decode_text(raw: bytes, file: str) -> str:
    """UTF-8 text of a data or scenario file; binary or other encodings are a `DatasetError`."""
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise _fail("binary file (contains NUL bytes), expected YAML text", file,
                    raw.count(b"\n", 0, nul) + 1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                    "save the file as UTF-8", file, raw.count(b"\n", 0, exc.start) + 1) from None


def parse_yaml(text: str, file: str) -> Any:
    """Safely parse one YAML document; every problem becomes a `DatasetError` with the line."""
    loader = _DataLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_size(node, file)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _fail(_yaml_message(exc, text), file, mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise _fail(f"YAML error: {exc}", file) from None
    except RecursionError:
        raise _fail("nested too deep", file) from None
    finally:
        loader.dispose()


def _yaml_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    """A plain-words message for a YAML error (the caller adds file and line)."""
    what = exc.problem or exc.context or "invalid YAML"
    if isinstance(exc, yaml.constructor.ConstructorError):
        if "could not determine a constructor" in what:
            tag = what.rsplit(" ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
            return (f"YAML tag '{tag}' is not allowed: himcalc reads plain YAML only "
                    "(mappings, lists, strings, numbers)")
        return what
    if "maximum nesting depth" in what:  # libyaml's own limit, met before `_check_size`
        return f"nested more than {MAX_DEPTH} levels deep"
    if isinstance(exc, yaml.composer.ComposerError) and "another document" in what:
        return "more than one YAML document ('---'): put every dataset in one document"
    mark = exc.problem_mark or exc.context_mark
    if mark is not None and "\t" in (text.splitlines()[mark.line:mark.line + 1] or [""])[0]:
        what += " (this line has a tab: indent YAML with spaces, not tabs)"
    return f"YAML syntax error: {what}"


def _field_line(record: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest key along a pydantic error location, if the data knows it."""
    line = getattr(record, "line", None)
    node = record
    for part in loc:
        if isinstance(node, LineDict) and part in node.key_lines:
            line = node.key_lines[part]
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        else:
            break
    return line


def _validation_problems(exc: ValidationError, raw: Any, base: Problem) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p[:1].isupper()))
        loc = tuple(p for p in loc if p not in ("tiered_standard", "standard", "rap"))
        field = ".".join(str(p) for p in loc) or None
        msg = plain_message(err)
        problems.append(
            Problem(msg, file=base.file, dataset=base.dataset, record=base.record,
                    field=field, line=_field_line(raw, err["loc"]))
        )
    return problems


Seen = dict[tuple[str, str], tuple[str, int | None]]
"""Where each (dataset, id) was first defined among the files loaded together."""


def load_file(path: Path | resources.abc.Traversable, name: str, into: Datasets,
              seen: Seen | None = None) -> list[Problem]:
    """Validate one data file and merge its records into `into` (they override by id)."""
    try:
        text = read_text(path, name)
    except DatasetError as exc:
        return [exc.problem]  # type: ignore[attr-defined]
    return load_text(text, name, into, seen, folder=getattr(path, "parent", None))


def load_text(text: str, name: str, into: Datasets, seen: Seen | None = None,
              folder: Any = None) -> list[Problem]:
    """Validate the text of one data file called `name`; merge its records into `into`.

    `seen` holds the ids defined by the other files loaded with this one: an id defined twice
    (in one file or two) is refused, naming both places. `folder` is the file's directory,
    where the CSV files of its `extracts` records are (read only when used: `read_table`).
    """
    seen = {} if seen is None else seen
    try:
        doc = parse_yaml(text, name)
    except DatasetError as exc:
        return [exc.problem]  # type: ignore[attr-defined]
    if doc is None:
        return [Problem("empty file: expected a mapping of dataset names to record lists",
                        file=name, line=1)]
    if not isinstance(doc, dict):
        return [Problem(f"expected a mapping of dataset names to record lists, "
                        f"found a {_kind(doc)}", file=name, line=1)]
    problems: list[Problem] = []
    into.files.append(name)
    for key, records in doc.items():
        line = doc.key_lines.get(key) if isinstance(doc, LineDict) else None
        if key in META_KEYS:
            continue
        if key not in RECORD_TYPES:
            problems.append(Problem(
                f"unknown dataset '{key}' (known: {', '.join(RECORD_TYPES)})",
                file=name, line=line))
            continue
        if not isinstance(records, list):
            problems.append(Problem(f"expected a list of records, found a {_kind(records)}",
                                    file=name, dataset=key, line=line))
            continue
        problems += _load_records(key, records, name, into, seen, line)
        if key == "extracts" and folder is not None:
            for raw in records:
                rid: Any = raw.get("id") if isinstance(raw, dict) else None
                rec = into.get("extracts").get(rid) if rid is not None else None
                if rec is not None and into.origin.get(("extracts", rec.id), ("",))[0] == name:
                    where = os.path.join(os.path.dirname(name), rec.file)
                    into.readers[rec.id] = functools.partial(read_table, folder / rec.file,
                                                             where, rec)
    return problems


def _load_records(dataset: str, records: list[Any], name: str, into: Datasets, seen: Seen,
                  dataset_line: int | None = None) -> list[Problem]:
    model = RECORD_TYPES[dataset]
    adapter = TypeAdapter(model) if not isinstance(model, type) else None
    problems: list[Problem] = []
    for i, raw in enumerate(records):
        rec_id = raw.get("id") if isinstance(raw, dict) else None
        label = str(rec_id) if rec_id is not None else f"#{i + 1}"
        base = Problem("", file=name, dataset=dataset, record=label)
        line = getattr(raw, "line", None)
        if not isinstance(raw, dict):  # a scalar does not know its line; the dataset key does
            line = dataset_line
            problems.append(Problem(f"expected a record (mapping), found a {_kind(raw)}",
                                    file=name, dataset=dataset, record=label, line=line))
            continue
        first = seen.get((dataset, rec_id)) if isinstance(rec_id, str) else None
        if first is not None:
            where = f"line {first[1]}" if first[0] == name else f"{first[0]}:{first[1]}"
            what = "in this file" if first[0] == name else "in two data files"
            problems.append(Problem(f"duplicate id {what} (first defined at {where}): one "
                                    "record per id", file=name, dataset=dataset,
                                    record=label, field="id", line=line))
            continue
        try:
            rec = adapter.validate_python(raw) if adapter else model.model_validate(raw)
        except ValidationError as exc:
            problems += _validation_problems(exc, raw, base)
            continue
        loose = _loose_numbers(raw, rec, base, raw)
        if loose:
            problems += loose
            continue
        seen[(dataset, rec.id)] = (name, line)
        into.records.setdefault(dataset, {})[rec.id] = rec
        into.origin[(dataset, rec.id)] = (name, line)
    return problems


def _loose_numbers(raw: Any, value: Any, base: Problem, root: Any,
                   loc: tuple = ()) -> list[Problem]:
    """Where pydantic's lax mode made a number of something that is not one under the rule
    (`himcalc.numbers`): a boolean (`yes` → 1) or a text like "045000" or "1_000"."""
    if isinstance(raw, dict):
        found = []
        for key, sub in raw.items():
            if isinstance(value, dict):
                target = value.get(key)
            else:
                target = getattr(value, key, None) if isinstance(key, str) else None
            found += _loose_numbers(sub, target, base, root, (*loc, key))
        return found
    if isinstance(raw, list) and isinstance(value, list | tuple):
        return [p for i, (r, v) in enumerate(zip(raw, value, strict=False))
                for p in _loose_numbers(r, v, base, root, (*loc, i))]
    if not isinstance(value, int | float) or isinstance(value, bool):
        return []
    problem = boolean_problem(raw) if isinstance(raw, bool) else (
        number_problem(raw) if isinstance(raw, str) else None)
    if problem is None:
        return []
    return [Problem(problem, file=base.file, dataset=base.dataset, record=base.record,
                    field=".".join(str(p) for p in loc), line=_field_line(root, loc))]


def _kind(value: Any) -> str:
    kinds: dict[type, str] = {dict: "mapping", LineDict: "mapping", list: "list", str: "string"}
    return kinds.get(type(value), type(value).__name__)


def shipped_files() -> list[tuple[str, resources.abc.Traversable]]:
    """The datasets inside the installed package (`himcalc/data/*.yaml`)."""
    root = resources.files("himcalc") / "data"
    if not root.is_dir():  # a source checkout installed in editable mode
        root = Path(__file__).resolve().parents[2] / "data"  # type: ignore[assignment]
    return sorted(
        ((f"data/{f.name}", f) for f in root.iterdir() if f.name.endswith((".yaml", ".yml"))),
        key=lambda pair: pair[0],
    )


MAX_TABLE_BYTES = 20_000_000
"""The largest extract CSV read (the shipped ones are well under 1 MB)."""
_TABLE_KINDS: dict[str, tuple[str, str]] = {
    "id": (r"[1-9]\d{0,8}", "a whole number above 0"),
    "count": (r"0|[1-9]\d{0,8}", "a whole number"),
    "money": (r"(0|[1-9]\d{0,8})(\.\d{1,6})?", "a number of dollars"),
    "state": (r"[A-Z]{2}", "a two-letter state code"),
    "code": (r"\d{1,12}", "a numeric code"),
    "soc": (r"\d{2}-\d{4}", "a SOC code (NN-NNNN)"),
    "control": (r"public|private_nonprofit|for_profit",
                "one of public, private_nonprofit, for_profit"),
    "text": (r"[^\x00-\x1f\x7f]{1,300}", "text (no control characters)"),
}
"""Each column kind of `models.tables.TABLES`: its pattern (compiled when a table is read)
and how to say it."""


def read_table(path: Any, name: str, record: Extract) -> tuple[Any, ...]:
    """The rows of the extract `record`'s CSV file (at `path`, called `name` in messages).

    Checked before anything is used: the file's SHA-256 is the record's (a hand edit is
    refused: rerun the script under scripts/ that writes it), the header is the record's
    `columns` and those `TABLES` knows for this file, the row count is the record's, and
    every cell reads as its column's kind (an empty cell only where allowed, as None). A
    problem is a `DatasetError` naming the file, line and column.
    """
    import csv  # only a run that reads an extract needs these
    import hashlib

    from himcalc.models.tables import TABLES

    where = f"extracts record '{record.id}'"
    spec = TABLES.get(record.file)
    if spec is None:
        raise _fail(f"no table of this name is read by himcalc ({where}; known: "
                    f"{', '.join(TABLES)})", name)
    row_type, kinds = spec
    raw = _read_at_most(path, MAX_TABLE_BYTES, name, _regular_file, f" ({where})")
    if len(raw) > MAX_TABLE_BYTES:
        raise _fail(f"larger than {MAX_TABLE_BYTES:,} bytes ({where})", name)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != record.sha256:
        raise _fail(f"SHA-256 {digest[:12]}… is not the {record.sha256[:12]}… of {where} "
                    "(field sha256): the file was changed after the script under scripts/ "
                    "wrote it; rerun that script", name)
    text = decode_text(raw, name)
    reader = csv.reader(text.splitlines())
    header = next(reader, [])
    if header != record.columns or header != list(kinds):
        raise _fail(f"header {','.join(header)} is not the columns of {where} "
                    f"({','.join(record.columns)}) that himcalc reads", name, 1)
    patterns = {k: (re.compile(_TABLE_KINDS[k][0]), _TABLE_KINDS[k][1]) for k in _TABLE_KINDS}
    rows = []
    for values in reader:
        line = reader.line_num
        if len(values) != len(header):
            raise _fail(f"expected {len(header)} cells as in the header, found {len(values)}",
                        name, line)
        cells: dict[str, Any] = {}
        for column, value in zip(header, values, strict=True):
            kind = kinds[column]
            optional = kind.endswith("?")
            pattern, what = patterns[kind.rstrip("?")]
            if value == "" and optional:
                cells[column] = None
            elif not pattern.fullmatch(value):
                shown = value if len(value) <= 40 else value[:40] + "…"
                raise _fail(f"column '{column}': must be {what}"
                            + ("" if optional else " (required)") + f", not {shown!r}",
                            name, line)
            elif kind.rstrip("?") in ("id", "count"):
                cells[column] = int(value)
            elif kind.rstrip("?") == "money":
                cells[column] = float(value)
            else:
                cells[column] = value
        rows.append(row_type(**cells))
    if len(rows) != record.rows:
        raise _fail(f"{len(rows)} rows, but {where} says {record.rows} (field rows)", name)
    return tuple(rows)


def user_files(path: Path) -> list[tuple[str, Path]]:
    """YAML files of a user's `--data` directory (or a single file), in name order."""
    if path.is_file():
        return [(str(path), path)]
    if not path.exists():
        raise DatasetError(f"{path}: no such file or directory")
    if not path.is_dir():
        raise DatasetError(f"{path}: not a file or directory")
    files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    if not files:
        raise DatasetError(f"{path}: no .yaml files in this directory")
    for p in files:
        _regular_file(p)
    return [(str(p), p) for p in files]


def _regular_file(path: Path) -> None:
    """Refuse what a data directory should not hold: a device, FIFO or socket (also behind a
    symlink) could be endless (/dev/zero) or block forever (a FIFO with no writer)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode)
                or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "a directory"
                if stat.S_ISDIR(mode) else "not a regular file")
        raise DatasetError(f"{path}: {kind}, not a data file: himcalc reads only regular "
                           "files in a data directory")


def collect(files: Iterable[tuple[str, Any]], into: Datasets | None = None) -> tuple[
        Datasets, list[Problem]]:
    """Load every file, gathering all problems (for `data validate`)."""
    data = into or Datasets()
    problems: list[Problem] = []
    seen: Seen = {}
    for name, path in files:
        problems += load_file(path, name, data, seen)
    return data, problems


def load(user_data: Path | None = None) -> Datasets:
    """Shipped datasets, overridden record by record by `user_data` (or $HIMCALC_DATA).

    Raises `DatasetError` naming the first problem (and how many more there are).
    """
    if user_data is None and os.environ.get("HIMCALC_DATA"):
        user_data = Path(os.environ["HIMCALC_DATA"])
    data, problems = collect(shipped_files())
    if user_data is not None:
        _, more = collect(user_files(user_data), into=data)
        problems += more
    if not problems:
        problems = data.cross_reference_problems()
    if problems:
        extra = len(problems) - 1
        tail = f" (and {extra} more; see 'himcalc data validate')" if extra else ""
        err = DatasetError(f"{problems[0]}{tail}", details=[str(p) for p in problems[1:]])
        err.problem = problems[0]  # type: ignore[attr-defined]
        raise err
    return data
