"""What every command body needs: the loaded data, the scenario, pathway names."""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from himcalc.errors import InputError, UsageError

if TYPE_CHECKING:
    from himcalc.engine.scenario import Scenario
    from himcalc.models.dataset import Datasets


@dataclass
class State:
    """Global options (set by the app callback)."""

    data_path: Path | None = None
    debug: bool = False


STATE = State()


def load_data() -> Datasets:
    from himcalc import loader

    return loader.load(STATE.data_path)


def _read_scenario_file(path: Path) -> dict[str, Any]:
    from himcalc import loader

    if str(path) == "-":
        name, text = "<stdin>", sys.stdin.read()
    else:
        name = str(path)
        text = loader.read_text(path, name)
    doc = loader.parse_yaml(text, name)
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise InputError(f"{name}: a scenario file must be a mapping of field: value")
    return dict(doc)


def scenario_from(flags: dict[str, Any], **extra: Any) -> Scenario:
    """The scenario file (if any) overridden by the flags that were given."""
    from pydantic import ValidationError

    from himcalc.engine.scenario import Scenario

    flags = dict(flags)
    path = flags.pop("scenario_file", None)
    values: dict[str, Any] = _read_scenario_file(path) if path is not None else {}
    given = {k: v for k, v in {**flags, **extra}.items() if v is not None}
    values.update(given)
    try:
        return Scenario.model_validate(values)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err["loc"]) or "scenario"
        where = f"--{field.replace('_', '-')}" if field in given else (
            f"{path}: field '{field}'" if path is not None else f"'{field}'")
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise InputError(f"{where}: {_plain(err['msg'])}{more}") from None


def _plain(msg: str) -> str:
    return msg.replace("Input should be", "must be").replace("Value error, ", "")


def resolve_pathways(data: Datasets, names: list[str] | None, scenario: Scenario) -> list[str]:
    """Named pathways (validated), or every pathway open to the scenario's education."""
    from himcalc.engine.plan import open_pathways

    known = list(data.get("pathways"))
    if not names:
        return open_pathways(data, scenario.education)
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.4)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise UsageError(
                f"unknown pathway '{name}'{hint} (valid: {', '.join(known)})"
            )
    return list(dict.fromkeys(names))
