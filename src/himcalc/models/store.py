"""All datasets together: records by dataset and id, where each came from, the checks that
span files (references between records), and located problems.

Pydantic-free: the shipped datasets are loaded into it as plain records (`himcalc.shipped`),
a user's as models (`himcalc.loader`); `models.dataset` names the model of each dataset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Record = Any
"""A dataset record: a pydantic model (`models.common.Record`) or its plain record."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as known."""

    message: str
    file: str | None = None
    dataset: str | None = None
    record: str | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file or "<data>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [p for p in (self.dataset, self.record and f"record '{self.record}'") if p]
        if self.field:
            parts.append(f"field '{self.field}'")
        loc = f" ({', '.join(parts)})" if parts else ""
        return f"{where}{loc}: {self.message}"


@dataclass
class Datasets:
    """Records of every dataset keyed by id, plus the file each record came from."""

    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    origin: dict[tuple[str, str], tuple[str, int | None]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    readers: dict[str, Callable[[], tuple]] = field(default_factory=dict)
    """How to read the rows of each `extracts` record's CSV file, by record id: set by whoever
    loaded the record (it knows the file's folder); called on first use (`table`)."""

    def table(self, extract: Any) -> tuple:
        """The rows of an `extracts` record's CSV file, read on first use and kept."""
        cache = self.memo("extract_tables")
        if extract.id not in cache:
            reader = self.readers.get(extract.id)
            if reader is None:
                from himcalc.errors import DatasetError

                raise DatasetError(f"extracts record '{extract.id}': {extract.file} cannot be "
                                   "located (the record was not loaded from a data file)")
            cache[extract.id] = reader()
        return cache[extract.id]

    def get(self, dataset: str) -> dict[str, Record]:
        return self.records.get(dataset, {})

    def memo(self, name: str) -> dict:
        """A dict kept with these records for values derived from them (the engine's lookups).

        Derived values live as long as the records and never outlive a change of them: a
        modified copy (e.g. `sensitivity`'s stretched pathway) is a new `Datasets`.
        """
        return self.__dict__.setdefault(f"_memo_{name}", {})

    def parameter(self, key: str) -> float:
        """The value of a `parameters` record (looked up often: cached on first use)."""
        cache = self.memo("parameters")
        if key not in cache:
            cache[key] = self.get("parameters")[key].value  # type: ignore[attr-defined]
        return cache[key]

    def cross_reference_problems(self) -> list[Problem]:
        """Names that point at records which do not exist (e.g. a track's unknown occupation)."""
        from himcalc.models.labor import OUTSIDE_HIM
        from himcalc.models.parameters import PARAMETER_RANGES

        problems: list[Problem] = []

        def check(dataset: str, rec_id: str, fld: str, target: str, value: str | None) -> None:
            if value is None or value in self.get(target):
                return
            file, line = self.origin.get((dataset, rec_id), (None, None))
            known = ", ".join(sorted(self.get(target))) or "none"
            problems.append(
                Problem(
                    f"unknown {target[:-1]} '{value}' (known: {known})",
                    file=file, dataset=dataset, record=rec_id, field=fld, line=line,
                )
            )

        for pid, p in self.get("pathways").items():
            check("pathways", pid, "career_track", "career_tracks", p.career_track)
            check("pathways", pid, "exam", "exams", p.exam)
        for tid, t in self.get("career_tracks").items():
            for i, stage in enumerate(t.stages):
                if stage.occupation is not None:
                    check("career_tracks", tid, f"stages[{i}].occupation", "occupations",
                          stage.occupation)
                for role in stage.roles or {}:
                    if role != OUTSIDE_HIM:
                        check("career_tracks", tid, f"stages[{i}].roles.{role}", "occupations",
                              role)
        for rid, r in self.get("roles").items():
            check("roles", rid, "occupation", "occupations", r.occupation)
        missing = sorted(set(PARAMETER_RANGES) - set(self.get("parameters")))
        if missing and self.get("parameters"):
            problems.append(Problem(f"missing parameters: {', '.join(missing)}",
                                    dataset="parameters"))
        return problems
