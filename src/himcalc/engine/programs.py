"""Real programmes and states: what `--program` and `--state` change (docs/methodology.md §6).

A **programme** is a row of the College Scorecard extract (`programs.csv`: one institution's
CIP 51.07 programmes at one credential level). Chosen with `UNITID[:LEVEL]`, it is priced as
the pathway of its level (`LEVEL_PATHWAYS`) and brings:

* its completers' median earnings 4 years after completion, which replace the national median
  of its level as the anchor of the with-path on the `observed` earnings basis (a suppressed
  figure falls back to that median, with a note);
* its control, which picks the tuition row when no `institution` is given (`CONTROL_ROWS`: a
  for-profit school is priced at the private row, the data having no for-profit one; a public
  school in another state than `--state` at the out-of-state row);
* its completers' median debt, spread evenly over the study years, as the default borrowing
  when no `borrow` is given (nothing when it is suppressed).

A **state** (`--state XX`) brings the state's OEWS May 2025 wages (`oews_states.csv`) for
every occupation of the career (national wages for an occupation the state does not publish,
with a note) and, on the `observed` basis, Scorecard's high-school earnings benchmark of the
state as the anchor of the counterfactual. Tuition stays national.

The CSV files are read on first use (`Extract.table`), so a run without a programme or a state
reads neither. Errors are `InputError`s whose message suggests the likely intent; the CLI
turns those of a flag into usage errors (exit 2).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter
from dataclasses import dataclass

from himcalc.errors import DatasetError, InputError
from himcalc.models.enums import CredentialLevel, Institution

TYPE_CHECKING = False
if TYPE_CHECKING:
    from himcalc.engine.scenario import Scenario
    from himcalc.models.dataset import Datasets
    from himcalc.models.extracts import Extract
    from himcalc.models.tables import Program, StateWages

PROGRAMS_FILE = "programs.csv"
STATE_WAGES_FILE = "oews_states.csv"

LEVEL_PATHWAYS = {
    CredentialLevel.certificate: "coding-certificate",
    CredentialLevel.associate: "associate-hit",
    CredentialLevel.bachelor: "bachelor-him",
    CredentialLevel.master: "ms-hiim",
}
"""The pathway a programme of each credential level is priced as. CIP 51.07 pools HIM with
coding, medical office and health administration programmes; these are the pathways of the
level whose career tracks fit most of them (a bachelor's completion or an MHA is chosen by
naming the pathway, with `--tuition` for the school's price)."""

CONTROL_ROWS = {
    "public": Institution.public_in_state,
    "private_nonprofit": Institution.private_nonprofit,
    "for_profit": Institution.private_nonprofit,
}
"""The tuition row a programme's control picks (College Board has no for-profit average in
the data: a for-profit school is priced at the private nonprofit row, with a note)."""

STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "AS": "American Samoa",
    "GU": "Guam", "MP": "Northern Mariana Islands", "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands", "FM": "Micronesia", "MH": "Marshall Islands", "PW": "Palau",
}
"""USPS two-letter codes and names (USPS Publication 28, Appendix B): names are used only to
read `--state Wisconsin` as a suggestion and to write notes; figures come from the CSVs."""


def extract(data: Datasets, file: str) -> Extract:
    """The `extracts` record of `file` (a `--data` record, loaded last, before the shipped)."""
    found = [r for r in data.get("extracts").values() if r.file == file]
    if found:
        return found[-1]
    raise DatasetError(f"the data has no extracts record for {file} (dataset extracts)")


def programs(data: Datasets) -> tuple[Program, ...]:
    """Every row of the Scorecard extract (read on first use)."""
    return data.table(extract(data, PROGRAMS_FILE))


def state_rows(data: Datasets) -> tuple[StateWages, ...]:
    """Every row of the OEWS state extract (read on first use)."""
    return data.table(extract(data, STATE_WAGES_FILE))


def source_of(data: Datasets, file: str) -> str:
    """'title (year)' of an extract's source, for notes."""
    record = extract(data, file)
    return f"{record.source.title} ({record.source.year})"


def credential_levels(data: Datasets) -> dict[int, CredentialLevel]:
    """Scorecard's CREDLEV codes that are a himcalc credential level (`scorecard_levels`)."""
    return {r.scorecard_credential_level: r.level for r in data.get("scorecard_levels").values()
            if r.level is not None}


def level_median(data: Datasets, level: CredentialLevel) -> float | None:
    """The national median of a level's programme medians (4 years out), if the data has it."""
    return next((r.earnings_4yr_median for r in data.get("scorecard_levels").values()
                 if r.level is level), None)


# ------------------------------------------------------------------------------ programmes

@dataclass(frozen=True, slots=True)
class Choice:
    """A programme chosen for pricing: its row, its level and the pathway it is priced as."""

    program: Program
    level: CredentialLevel
    pathway: str

    @property
    def key(self) -> str:
        """`UNITID:level`, the selector that names exactly this programme."""
        return f"{self.program.unitid}:{self.level.value}"

    @property
    def name(self) -> str:
        """'Institution (ST), credential'."""
        where = f" ({self.program.state})" if self.program.state else ""
        return f"{self.program.institution}{where}, {self.program.credential}"


def _index(data: Datasets) -> dict[int, list[Program]]:
    """Programmes by UNITID (kept with the data)."""
    memo = data.memo("programs")
    if "index" not in memo:
        index: dict[int, list[Program]] = {}
        for row in programs(data):
            index.setdefault(row.unitid, []).append(row)
        memo["index"] = index
    return memo["index"]


LEVEL_WORDS = {level.value: level for level in CredentialLevel} | {
    "cert": CredentialLevel.certificate, "associates": CredentialLevel.associate,
    "bachelors": CredentialLevel.bachelor, "masters": CredentialLevel.master}


def select(data: Datasets, selector: str) -> list[Choice]:
    """The programmes `selector` names: `UNITID` (each level himcalc can price) or
    `UNITID:LEVEL` (one). Unknown or unpriceable selections are an `InputError` saying what
    there is instead."""
    text = str(selector).strip()
    unitid_text, _, level_text = text.partition(":")
    unitid_text, level_text = unitid_text.strip(), level_text.strip().lower()
    if not unitid_text.isdigit() or not unitid_text.isascii() or len(unitid_text) > 9:
        raise InputError(f"program '{text}': expected UNITID or UNITID:LEVEL, e.g. "
                         "240392:associate (find UNITIDs with 'himcalc programs --search NAME')")
    index = _index(data)
    rows = index.get(int(unitid_text))
    if rows is None:
        close = difflib.get_close_matches(unitid_text, [str(u) for u in index], n=1, cutoff=0.8)
        hint = ""
        if close:
            row = index[int(close[0])][0]
            hint = f"; did you mean {close[0]} ({row.institution}, {row.state or 'no state'})?"
        raise InputError(f"program '{text}': no programme with UNITID {unitid_text} in the "
                         f"College Scorecard extract (CIP 51.07){hint} Find one with "
                         "'himcalc programs --search NAME'")
    levels = credential_levels(data)
    choices = [Choice(row, levels[row.credential_level],
                      LEVEL_PATHWAYS[levels[row.credential_level]])
               for row in sorted(rows, key=lambda r: r.credential_level)
               if row.credential_level in levels]
    offered = ", ".join(c.key for c in choices) or "none"
    if level_text:
        level = LEVEL_WORDS.get(level_text.replace("'", "").replace("-", "_"))
        if level is None:
            raise InputError(f"program '{text}': unknown level '{level_text}' (levels: "
                             f"{', '.join(LEVEL_PATHWAYS)}); this institution offers {offered}")
        chosen = [c for c in choices if c.level is level]
        if not chosen:
            raise InputError(f"program '{text}': {rows[0].institution} has no {level.value} "
                             f"programme in the extract; it offers {offered}")
        return chosen
    if not choices:
        kinds = ", ".join(r.credential for r in rows)
        raise InputError(f"program '{text}': {rows[0].institution} has no programme at a level "
                         f"himcalc prices (it has: {kinds})")
    return choices


def by_key(data: Datasets, key: str) -> Choice:
    """The programme of a `UNITID:level` key (as `Choice.key`)."""
    found = select(data, key)
    if len(found) != 1:
        raise InputError(f"program '{key}': name one level ({', '.join(c.key for c in found)})")
    return found[0]


def program_scenario(data: Datasets, scenario: Scenario, choice: Choice) -> Scenario:
    """The scenario of pricing `choice`: its key, and (unless the scenario gives them) the
    tuition row of its control and its median debt as borrowing, spread over the years of
    study in the scenario's study mode."""
    from himcalc.engine.study import study_years

    given = scenario.model_fields_set
    update: dict = {"program": choice.key}
    if "institution" not in given:
        update["institution"] = institution_of(choice.program, scenario.state)
    if "borrow" not in given and choice.program.debt_median:
        pathway = data.get("pathways").get(choice.pathway)
        if pathway is None:
            raise DatasetError(f"the data has no pathway '{choice.pathway}', which prices "
                               f"{choice.level.value} programmes")
        update["borrow"] = choice.program.debt_median / study_years(pathway, scenario.study_mode)
    return scenario.model_copy(update=update)


def institution_of(program: Program, state: str | None) -> Institution:
    """The tuition row of a programme's control; a public school outside the person's state
    (`--state`) charges out-of-state tuition."""
    row = CONTROL_ROWS[program.control]
    if row is Institution.public_in_state and state and program.state and state != program.state:
        return Institution.public_out_of_state
    return row


# ------------------------------------------------------------------------------ states

def known_states(data: Datasets) -> list[str]:
    """States (and territories) that either extract covers, sorted."""
    memo = data.memo("programs")
    if "states" not in memo:
        found = {r.state for r in state_rows(data)} | {r.state for r in programs(data) if r.state}
        memo["states"] = sorted(found)
    return memo["states"]


def check_state(data: Datasets, state: str) -> None:
    """An `InputError` with a suggestion unless `state` is covered by the data."""
    known = known_states(data)
    code = str(state).strip().upper()
    if code in known:
        return
    by_name = {_fold(name): c for c, name in STATE_NAMES.items() if c in known}
    guess = by_name.get(_fold(state))
    if guess is None:
        close = difflib.get_close_matches(_fold(state), list(by_name), n=1, cutoff=0.75)
        guess = by_name[close[0]] if close else None
    if guess is None and len(code) == 2:
        close = difflib.get_close_matches(code, known, n=1, cutoff=0.5)
        guess = close[0] if close else None
    hint = f"; did you mean '{guess}' ({STATE_NAMES.get(guess, guess)})?" if guess else ""
    raise InputError(f"unknown state '{state}'{hint} (two-letter codes: {', '.join(known)})")


def state_name(code: str) -> str:
    return STATE_NAMES.get(code, code)


def hs_benchmark(data: Datasets, state: str) -> float | None:
    """Scorecard's high-school earnings benchmark of `state` (the value its programmes carry;
    None when no programme in the state has one)."""
    values = Counter(r.hs_benchmark_state for r in programs(data)
                     if r.state == state and r.hs_benchmark_state is not None)
    return values.most_common(1)[0][0] if values else None


@dataclass(frozen=True, slots=True)
class Local:
    """What a programme and a state change in a pathway's earnings model, and what fell back.

    `wages`: occupation record id → the state's published (percentile, wage) points, for the
    occupations the state publishes a median for; `national`: the occupations priced at
    national wages instead; `partial`: (occupation, percentiles not published) interpolated
    from the state's others. `hs_benchmark`: the state's (None: national). `earnings_4yr`: the
    programme's (None: the level's national median).
    """

    state: str | None
    choice: Choice | None
    wages: tuple[tuple[str, tuple[tuple[int, float], ...]], ...]
    national: tuple[str, ...]
    partial: tuple[tuple[str, tuple[int, ...]], ...]
    hs_benchmark: float | None
    earnings_4yr: float | None

    def wage_points(self) -> dict[str, tuple[tuple[int, float], ...]]:
        return dict(self.wages)


def local(data: Datasets, program: str | None, state: str | None, pathway_id: str) -> Local:
    """The `Local` of a programme key and a state for one pathway (cached with the data)."""
    memo = data.memo("programs")
    key = ("local", program, state, pathway_id)
    if key not in memo:
        memo[key] = _local(data, program, state, pathway_id)
    return memo[key]


def _local(data: Datasets, program: str | None, state: str | None, pathway_id: str) -> Local:
    choice = None
    if program is not None:
        choice = by_key(data, program)
        if choice.pathway != pathway_id:
            raise InputError(f"program '{program}' is priced as pathway '{choice.pathway}', "
                             f"not '{pathway_id}'")
    wages: list[tuple[str, tuple[tuple[int, float], ...]]] = []
    national: list[str] = []
    partial: list[tuple[str, tuple[int, ...]]] = []
    benchmark = None
    if state is not None:
        check_state(data, state)
        rows = {r.soc: r for r in state_rows(data) if r.state == state}
        for occ_id, occ in data.get("occupations").items():
            row = rows.get(occ.soc)
            if row is None or row.p50 is None:
                national.append(occ_id)
                continue
            points = tuple(row.known())
            wages.append((occ_id, points))
            missing = tuple(p for p in (10, 25, 50, 75, 90) if p not in dict(points))
            if missing:
                partial.append((occ_id, missing))
        benchmark = hs_benchmark(data, state)
    return Local(state=state, choice=choice, wages=tuple(wages), national=tuple(national),
                 partial=tuple(partial), hs_benchmark=benchmark,
                 earnings_4yr=None if choice is None else choice.program.earnings_4yr)


# ------------------------------------------------------------------------------ search

def fold(text: str) -> str:
    """`text` for matching: accents dropped, case folded, every run of punctuation or space
    one space (`Herzing University–Madison` → `herzing university madison`).

    >>> fold("Dewey University-Juana Díaz"), fold("  HERZING  University–Madison ")
    ('dewey university juana diaz', 'herzing university madison')
    """
    return _fold(text)


def _fold(text: str) -> str:
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", str(text))
                    if not unicodedata.combining(ch))
    words = "".join(ch if ch.isalnum() else " " for ch in plain.casefold())
    return " ".join(words.split())


def matches(name: str, query: str) -> bool:
    """Whether every word of `query` occurs in `name`, both folded (`fold`)."""
    folded = _fold(name)
    return all(word in folded for word in _fold(query).split())
