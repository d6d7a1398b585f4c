"""The footer notes of a priced programme (`--program`) and a state (`--state`).

Each note says where the figures came from and every fallback: a suppressed Scorecard cell,
a state that does not publish an occupation, a for-profit school priced at the private row.
Imported only when a programme or a state is priced.
"""

from __future__ import annotations

from typing import Any

from himcalc.engine import programs
from himcalc.models.enums import EarningsBasis
from himcalc.render.columns import money

NO_STATE_TUITION = "tuition stays national (no primary state tuition source at hand)"


def _release(data: Any) -> str:
    """'College Scorecard, Field of Study data (release 2026-06-10)'."""
    return programs.source_of(data, programs.PROGRAMS_FILE).split(":")[0]


def program_note(data: Any, base: Any, scenario: Any, choice: Any, plan: Any) -> str:
    """What pricing `choice` took from its Scorecard row, and what fell back; `base` is the
    scenario as given (before `programs.program_scenario`), `scenario` the one priced."""
    row = choice.program
    level = choice.level.value
    control = row.control.replace("_", " ")
    parts = [f"Programme {choice.key} is {choice.name} ({control}), priced as "
             f"{choice.pathway}; data: {_release(data)}."]
    median = programs.level_median(data, choice.level)
    if scenario.earnings_basis is EarningsBasis.occupation:
        parts.append("Its observed earnings are not used on --earnings-basis occupation.")
    elif row.earnings_4yr is not None:
        versus = f" (all {level} programmes: {money(median)})" if median else ""
        parts.append(f"Earnings anchored on its completers' median 4 years after completion, "
                     f"{money(row.earnings_4yr)}{versus}.")
    else:
        one = (f" Scorecard gives {money(row.earnings_1yr)} one year out, not used: the "
               "anchor is 4 years out." if row.earnings_1yr is not None else "")
        parts.append(f"Fallback: its earnings 4 years after completion are suppressed by the "
                     f"Scorecard; anchored on the national {level} median, {money(median)}."
                     + one)
    institution = plan.institution
    if scenario.tuition is not None:
        parts.append(f"Tuition: yours, {money(scenario.tuition)} a full-time year (--tuition).")
    elif "institution" in base.model_fields_set:
        parts.append(f"Tuition: the {institution} sector average, as given (--institution).")
    elif row.control == "for_profit":
        parts.append(f"Tuition: a for-profit school, priced at the {institution} sector "
                     "average (the data has no for-profit row; the extract has no tuition).")
    elif institution == "public_out_of_state":
        parts.append(f"Tuition: a public school outside {scenario.state}, priced at the "
                     "public out-of-state sector average (the extract has no tuition).")
    else:
        parts.append(f"Tuition: the {institution} sector average (the extract has no tuition).")
    if "borrow" not in base.model_fields_set:
        if row.debt_median:
            parts.append(f"Borrowing {money(scenario.borrow)} a year: its completers' median "
                         f"debt, {money(row.debt_median)}, over {_years(plan.years_to_complete)}"
                         " of study (--borrow 0 leaves loans out; loans never change NPV or "
                         "payback).")
        else:
            parts.append("Fallback: its median debt is suppressed, so no borrowing is assumed "
                         "(--borrow sets one).")
    if scenario.state is None and row.state:
        parts.append(f"Wages and the counterfactual are national (--state {row.state} prices "
                     f"them in {programs.state_name(row.state)}).")
    return " ".join(parts)


def _years(value: float) -> str:
    return f"{value:g} year" + ("" if value == 1 else "s")


def state_note(data: Any, scenario: Any, local: Any) -> str:
    """Where the state's figures come from, and what fell back to national."""
    state = scenario.state
    name = programs.state_name(state)
    parts = [f"State {state} ({name}): BLS OEWS May 2025 wages of {name} for every "
             f"occupation ({programs.STATE_WAGES_FILE})"]
    occupations = data.get("occupations")
    if local.national:
        socs = ", ".join(sorted({occupations[o].soc for o in local.national}))
        parts[-1] += f"; fallback: national wages for {socs}, which BLS does not publish there"
    if local.partial:
        for occ, missing in local.partial:
            shown = "/".join(f"p{p}" for p in missing)
            parts[-1] += (f"; {occupations[occ].soc} {shown} not published: interpolated from "
                          "the state's other percentiles")
    benchmark = local.hs_benchmark
    national = next((r.hs_benchmark_national for r in data.get("scorecard_levels").values()),
                    None)
    if scenario.earnings_basis is EarningsBasis.occupation:
        parts.append("the counterfactual is national (BLS Education pays: --earnings-basis "
                     "occupation)")
    elif benchmark is None:
        parts.append(f"fallback: no Scorecard high-school benchmark for {state}; the "
                     f"counterfactual is anchored on the national one, {money(national)}")
    else:
        mine = (" (your --current-salary replaces it)"
                if scenario.current_salary is not None else "")
        parts.append(f"counterfactual anchored on the high-school earnings benchmark of {state}, "
                     f"{money(benchmark)} (national {money(national)}; {_release(data)})"
                     f"{mine}")
    parts.append(NO_STATE_TUITION)
    return "; ".join(parts) + "."
