"""What every command body needs: the loaded data, the scenario, pathway names."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from himcalc.errors import InputError, UsageError, plain_message, printable

if TYPE_CHECKING:
    from himcalc.engine.scenario import Scenario
    from himcalc.models.store import Datasets


@dataclass
class State:
    """Global options (set by the app callback)."""

    data_path: Path | None = None
    debug: bool = False


STATE = State()


def load_data() -> Datasets:
    """The datasets of this run: the shipped snapshot (validated when it was generated, read
    as plain records) unless `--data`/`HIMCALC_DATA` adds a user's files or the snapshot does
    not match the shipped files; then every file is validated by the models."""
    if STATE.data_path is None and not os.environ.get("HIMCALC_DATA"):
        from himcalc import shipped

        data = shipped.load()
        if data is not None:
            return data
    from himcalc import loader

    return loader.load(STATE.data_path)


def _read_scenario_file(path: Path) -> dict[str, Any]:
    """The scenario file's mapping (a `LineDict`, so errors can give the line of a field)."""
    from himcalc import loader

    if str(path) == "-":
        name = "<stdin>"
        if sys.stdin is None or getattr(sys.stdin, "closed", False):
            raise InputError("<stdin>: standard input is closed; give the scenario on stdin "
                             "or as a file (--scenario FILE)")
        text = loader.read_stream(sys.stdin, name)
    else:
        name = str(path)
        text = loader.read_text(path, name)
    doc = loader.parse_yaml(text, name)
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise InputError(f"{name}:1: a scenario file must be a mapping of field: value "
                         "(e.g. 'age: 30')")
    return doc


def flag_name(field: str) -> str:
    """The command-line flag of a scenario field, as the user types it (`salary_kept_share` is
    `--salary-kept`; `cap_employer_assistance` is `--assistance-cap`)."""
    from himcalc.cli.options import SCENARIO_OPTIONS

    annotation = SCENARIO_OPTIONS.get(field, (None,))[0]
    for info in getattr(annotation, "__metadata__", ()):
        for decl in getattr(info, "param_decls", None) or ():
            if decl.startswith("--"):
                return decl.split("/")[0]
    return "--" + field.replace("_", "-")


def scenario_from(flags: dict[str, Any], *, data: Datasets | None = None,
                  **extra: Any) -> Scenario:
    """The scenario file (if any) overridden by the flags that were given.

    A bad value given as a flag is a usage error (exit 2) naming the flag as typed, like any
    other bad flag; a bad value in the scenario file is an input error (exit 1) that names the
    file and line. `--horizon` and `--retire-age` both set the horizon: both as flags is a
    usage error; a flag replaces the file's other one, with a note. With `data`, an age at or
    past the default retirement age (no horizon given) is refused here, naming the flag or
    the file's line, rather than as a negative horizon later.
    """
    from pydantic_core import ValidationError  # pydantic's own (`pydantic.ValidationError`)

    flags = dict(flags)
    modes = flags.get("study_mode")
    if isinstance(modes, list):  # a repeatable flag: only `compare` takes several
        if len(modes) > 1:
            raise UsageError("--study-mode given more than once: only 'himcalc compare' "
                             "compares several study modes side by side")
        flags["study_mode"] = modes[0] if modes else None
    path = flags.pop("scenario_file", None)
    values: dict[str, Any] = _read_scenario_file(path) if path is not None else {}
    key_lines: dict[Any, int] = getattr(values, "key_lines", {})
    name = "<stdin>" if str(path) == "-" else str(path)
    given = {k: v for k, v in {**flags, **extra}.items() if v is not None}
    values = dict(values)
    _one_horizon(given, values, name)
    values = {**values, **given}
    try:
        if path is None:  # flags only: the same schema and messages, no model classes
            from himcalc.cli.reading import validate_flags

            scenario = validate_flags(values)
        else:
            from himcalc.cli.inputs import ScenarioInput

            scenario = ScenarioInput.model_validate(values)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        err = errors[0]
        field = ".".join(str(p) for p in err["loc"])
        msg = plain_message(err)
        if err["type"] == "extra_forbidden":
            msg = ("unknown scenario field (a typo? the fields are the scenario options of "
                   "'himcalc compare --help', with _ for -)")
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        top = str(err["loc"][0]) if err["loc"] else None
        if top in given or (top is None and path is None):
            option = f"{flag_name(top)}: " if top else ""
            raise UsageError(f"{option}{msg}{more}") from None
        line = f":{key_lines[top]}" if top in key_lines else ""
        where = f" (field '{field}')" if field else ""
        raise InputError(f"{name}{line}{where}: {msg}{more}") from None
    if data is not None:
        _check_age(scenario, data, "age" in given, f"{name}:{key_lines.get('age', 1)}")
        if scenario.state is not None:
            _check_state(scenario.state, data, "state" in given,
                         f"{name}:{key_lines.get('state', 1)}")
    return scenario


def _check_state(state: str, data: Datasets, flag: bool, where: str) -> None:
    """An unknown state is a usage error as a flag, an input error in a scenario file."""
    from himcalc.engine.programs import check_state

    try:
        check_state(data, state)
    except InputError as exc:
        if flag:
            raise UsageError(f"--state: {exc.message}") from None
        raise InputError(f"{where} (field 'state'): {exc.message}") from None


def _one_horizon(given: dict[str, Any], values: dict[str, Any], name: str) -> None:
    """Reconcile `--horizon` and `--retire-age` (both set the horizon) with the file's."""
    if "horizon" in given and "retire_age" in given:
        raise UsageError("--horizon and --retire-age both set the horizon: give one of them")
    for flag, other in (("horizon", "retire_age"), ("retire_age", "horizon")):
        if flag in given and values.get(other) is not None:
            del values[other]
            sys.stderr.write(printable(
                f"note: {flag_name(flag)} replaces the {other} of {name}") + "\n")


def _check_age(scenario: Scenario, data: Datasets, flag: bool, where: str) -> None:
    """An age at or past the default retirement age leaves no horizon: say which input."""
    if scenario.age is None or scenario.horizon is not None or scenario.retire_age is not None:
        return
    retire = data.parameter("retire_age")
    if scenario.age < retire:
        return
    past = f"at or past the default retirement age ({retire:g})"
    if flag:
        raise UsageError(f"--age {scenario.age}: {past}; give --retire-age or --horizon")
    raise InputError(f"{where} (field 'age'): {scenario.age} is {past}; give retire_age or "
                     "horizon")
