"""The shipped datasets' snapshot (src/himcalc/shipped.jsonl): current, faithful, pydantic-free.

The snapshot is written by scripts/build_snapshot.py from the data files validated by the
models; runs without --data load it as plain records (`himcalc.shipped`). The models, loaded
here through the validating loader, are the reference every plain record is compared with.
"""

from __future__ import annotations

import importlib.util
import inspect
import pickle
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pydantic import BaseModel

from himcalc import loader, shipped
from himcalc.models.plain import PlainRecord

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("build_snapshot",
                                                  ROOT / "scripts" / "build_snapshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script():
    return _script()


@pytest.fixture(scope="module")
def plain():
    data = shipped.load()
    assert data is not None, "the snapshot does not match data/: python scripts/build_snapshot.py"
    return data


@pytest.fixture(scope="module")
def models():
    return loader.load()


def test_snapshot_is_current(script):
    """The committed snapshot is what the generator writes from today's data files and model
    sources, and its key is the SHA-256 of those inputs (else: python scripts/build_snapshot.py)."""
    text = shipped.SNAPSHOT.read_text(encoding="utf-8")
    import json

    header = json.loads(text.partition("\n")[0])
    found = script.inputs(ROOT)
    assert header["inputs"] == found, "stale snapshot: run python scripts/build_snapshot.py"
    assert header["key"] == script.key_of(found)
    assert {n for n in found if n.startswith("data/")} == {
        f"data/{p.name}" for p in (ROOT / "data").iterdir() if p.suffix in (".yaml", ".yml")}
    assert any(n.startswith("src/himcalc/models/") for n in found)
    assert text == script.build(ROOT), "stale snapshot: run python scripts/build_snapshot.py"


def test_plain_records_equal_the_models(plain, models):
    """Every shipped record loaded from the snapshot has the same datasets, ids, order, origin
    and files as the validated models, and the same value for every field (nested too), in
    model_dump's python and json modes."""
    assert list(plain.records) == list(models.records)
    assert plain.files == models.files
    assert plain.origin == models.origin
    for name, records in models.records.items():
        assert list(plain.records[name]) == list(records)
        for rec_id, model in records.items():
            rec = plain.records[name][rec_id]
            assert isinstance(rec, PlainRecord) and not isinstance(rec, BaseModel)
            assert type(rec).__name__ == type(model).__name__
            assert rec.model_dump(mode="json") == model.model_dump(mode="json")
            assert rec.model_dump() == _python_dump(model)
            _same(rec, model, f"{name}/{rec_id}")


def _python_dump(model: BaseModel) -> dict:
    """`model_dump()` with URLs as text (a plain record holds a URL as its text)."""
    from pydantic import AnyUrl

    def text(v):
        if isinstance(v, AnyUrl):
            return str(v)
        if isinstance(v, dict):
            return {k: text(x) for k, x in v.items()}
        if isinstance(v, list):
            return [text(x) for x in v]
        return v

    return text(model.model_dump())


def _same(got, want, where: str) -> None:
    """Equal values of the same types, all the way down (a URL as its text)."""
    from pydantic import AnyUrl

    if isinstance(want, BaseModel):
        assert type(got).__name__ == type(want).__name__, where
        for field in type(want).model_fields:
            _same(getattr(got, field), getattr(want, field), f"{where}.{field}")
    elif isinstance(want, AnyUrl):
        assert got == str(want), where
    elif isinstance(want, list | tuple):
        assert type(got) is type(want) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _same(g, w, f"{where}[{i}]")
    elif isinstance(want, dict):
        assert type(got) is dict and list(got) == list(want), where
        for k in want:
            _same(got[k], want[k], f"{where}.{k}")
    else:
        assert got == want and type(got) is type(want), where


def _behaviour_names(model: type) -> list[str]:
    return [n for n in dir(model) if not n.startswith("_") and n not in model.model_fields
            and not hasattr(BaseModel, n)]


def test_plain_records_behave_as_the_models(plain, models):
    """Every public method and property of a model (nested models too) gives the same result
    on the plain record: properties and argument-free methods compared directly, `points`
    at a median, `covers` on both sides of each window."""
    checked = set()

    def compare(rec, model, where):
        for n in _behaviour_names(type(model)):
            want = inspect.getattr_static(type(model), n)
            if isinstance(want, property):
                assert getattr(rec, n) == getattr(model, n), (where, n)
            elif n == "points":
                assert rec.points(40_000.0) == model.points(40_000.0), where
            elif n == "covers":
                for day in (model.first_disbursed_from, model.first_disbursed_to,
                            date(2000, 1, 1), date(2090, 1, 1)):
                    assert rec.covers(day) == model.covers(day), where
            else:
                assert getattr(rec, n)() == getattr(model, n)(), (where, n)
            checked.add(f"{type(model).__name__}.{n}")
        for field in type(model).model_fields:
            sub = getattr(model, field)
            pairs = zip(getattr(rec, field), sub, strict=True) if isinstance(sub, list) else [
                (getattr(rec, field), sub)]
            for r, m in pairs:
                if isinstance(m, BaseModel):
                    compare(r, m, f"{where}.{field}")

    for name, records in models.records.items():
        for rec_id, model in records.items():
            compare(plain.records[name][rec_id], model, f"{name}/{rec_id}")
    assert {"Wages.known", "TrackStage.shares", "AgeBands.values", "PercentileRatios.points",
            "Earnings.annual", "LoanRate.covers", "RapPlan.forgiveness_months"} <= checked


def test_plain_records_copy_pickle_and_stay_frozen(plain, models):
    """A plain record's model_copy replaces what it is given as a model's does, it pickles
    (worker processes), compares equal to its copy, and refuses assignment."""
    rec = plain.get("pathways")["associate-hit"]
    model = models.get("pathways")["associate-hit"]
    copied = rec.model_copy(update={"part_time_factor": 3.0})
    assert copied.model_dump(mode="json") == model.model_copy(
        update={"part_time_factor": 3.0}).model_dump(mode="json")
    assert rec.part_time_factor == model.part_time_factor != 3.0
    assert pickle.loads(pickle.dumps(rec)) == rec == rec.model_copy()
    with pytest.raises(AttributeError):
        rec.name = "x"
    with pytest.raises(AttributeError):
        rec.model_copy(update={"no_such_field": 1})


def test_loading_the_snapshot_imports_neither_pydantic_nor_yaml():
    """Loading the shipped data from the snapshot needs no pydantic, no yaml and no model."""
    code = ("import sys; from himcalc import shipped; d = shipped.load(); "
            "print(d is not None, sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pydantic', 'pydantic_core', 'yaml') or m in ('himcalc.loader', "
            "'himcalc.models.common', 'himcalc.models.dataset')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "True []"


@pytest.mark.parametrize("change", ["edit", "add", "remove"])
def test_a_changed_data_file_makes_the_snapshot_unused(tmp_path, monkeypatch, change):
    """A data directory that differs from the one the snapshot was made from (a file edited
    by one byte, a file added, a file removed) makes `load` return None."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    monkeypatch.setattr(shipped, "data_dir", lambda: data)
    assert shipped.load() is not None
    target = data / "parameters.yaml"
    if change == "edit":
        raw = target.read_bytes()
        assert b"value: 0.03\n" in raw
        target.write_bytes(raw.replace(b"value: 0.03\n", b"value: 0.04\n", 1))
    elif change == "add":
        (data / "extra.yaml").write_text("pathways: []\n")
    else:
        target.unlink()
    assert shipped.load() is None


def test_without_a_usable_snapshot_the_data_is_validated(monkeypatch):
    """When the snapshot cannot be used, a run validates the YAML with the models instead,
    and so does every run with --data or HIMCALC_DATA."""
    from himcalc.cli import common

    monkeypatch.delenv("HIMCALC_DATA", raising=False)
    monkeypatch.setattr(common.STATE, "data_path", None)
    assert isinstance(common.load_data().get("pathways")["mha"], PlainRecord)
    monkeypatch.setattr(shipped, "load", lambda: None)
    assert isinstance(common.load_data().get("pathways")["mha"], BaseModel)
    monkeypatch.setattr(shipped, "load", lambda: pytest.fail("snapshot used with --data"))
    monkeypatch.setenv("HIMCALC_DATA", str(ROOT / "data" / "exams.yaml"))
    assert isinstance(common.load_data().get("pathways")["mha"], BaseModel)


def test_generator_refuses_behaviour_written_on_a_model(script):
    """A public method written on a model itself (not in models/plain.py) would be missing on
    plain records: the generator refuses it, naming the method."""
    from himcalc.models.common import Record

    class Odd(Record):
        def figure(self) -> int:
            return 1

    with pytest.raises(SystemExit, match=r"Odd\.figure is defined on the pydantic model"):
        script.behaviour_of(Odd)


def test_generator_refuses_a_value_it_cannot_write(script):
    """A value of a type the snapshot does not know (a set) stops the generator, naming where."""
    with pytest.raises(SystemExit, match=r"here: a set cannot be written"):
        script.Encoder().encode({1, 2}, "here")


# ---------------------------------------------------------------- flags without the model layer

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from himcalc.cli import reading  # noqa: E402
from himcalc.cli.inputs import ScenarioInput  # noqa: E402


def test_scenario_schema_is_current(script):
    """The committed scenario schema is what the generator writes from today's
    `ScenarioInput` (else: python scripts/build_snapshot.py)."""
    assert reading.SCHEMA.read_text(encoding="utf-8") == script.build_scenario_schema()


def test_reading_kinds_match_the_scenario_model():
    """`reading.NUMBERS` and `CHOICES` are the number fields (not rates or shares) and the
    enum fields of `Scenario`, as its annotations say."""
    import enum
    import types
    import typing

    from himcalc.engine.scenario import Scenario

    numbers, choices = set(), set()
    for name, info in Scenario.model_fields.items():
        ann = info.annotation
        args = typing.get_args(ann) if isinstance(ann, types.UnionType) else (ann,)
        if any(a in (int, float) for a in args):
            numbers.add(name)
        elif any(isinstance(a, type) and issubclass(a, enum.Enum) for a in args):
            choices.add(name)
    assert numbers - reading.RATES - reading.SHARES == reading.NUMBERS
    assert choices == reading.CHOICES
    assert set(Scenario.model_fields) >= reading.RATES | reading.SHARES


_TEXTS = ["30", "030", "4%", "4", "0.04", "-1", "1e3", "1_000", "abc", "", " 25 ", "yes",
          "part-time", "part_time", "online", "standard_10", "rap", "associate", "nan", "1:30",
          "18%", "100%", "0.5", "90", "91", "13", "1e7"]
_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 200),
                    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(_TEXTS))


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from([*ScenarioInput.model_fields, "no_such_field"]),
                       _VALUES, max_size=5))
def test_flags_validate_exactly_as_the_model(values):
    """Any values validated by pydantic-core on the generated schema give the model's fields
    (same values, same types) or the model's errors (same type, place, message and input)."""
    from pydantic import ValidationError

    try:
        want = ScenarioInput.model_validate(values)
    except ValidationError as exc:
        with pytest.raises(ValidationError) as got:
            reading.validate_flags(values)
        keep = ("type", "loc", "msg")
        assert [{k: e[k] for k in keep} | {"input": repr(e["input"])}
                for e in got.value.errors(include_url=False)] == [
            {k: e[k] for k in keep} | {"input": repr(e["input"])}
            for e in exc.errors(include_url=False)]
        return
    got = reading.validate_flags(values)
    for name in type(want).model_fields:
        assert getattr(got, name) == getattr(want, name), name
        assert type(getattr(got, name)) is type(getattr(want, name)), name
    assert got.model_fields_set == want.model_fields_set


def test_plain_scenario_knows_the_defaults_and_copies():
    """A flags-validated scenario tells each field's default as the model does, and its
    model_copy replaces only what it is given."""
    from himcalc.cli.inputs import ScenarioInput

    got = reading.validate_flags({"age": "40"})
    assert {n: f.default for n, f in type(got).model_fields.items()} == {
        n: f.default for n, f in ScenarioInput.model_fields.items()}
    copy = got.model_copy(update={"tuition": 5000.0})
    assert (copy.tuition, copy.age, got.tuition) == (5000.0, 40, None)
    with pytest.raises(AttributeError):
        got.age = 41


def test_flags_validation_builds_no_model():
    """Validating flags imports neither pydantic itself nor the scenario models."""
    code = ("import sys; from himcalc.cli.reading import validate_flags; "
            "s = validate_flags({'age': '30', 'discount_rate': '4%'}); "
            "print(s.age, s.discount_rate, sorted(m for m in sys.modules if m.split('.')[0] "
            "== 'pydantic' or m in ('himcalc.engine.scenario', 'himcalc.cli.inputs')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "30 0.04 []"
