"""`himcalc show`: one pathway (or programme) year by year, with its metrics.

`show` returns a `ShowResult`: the engine's evaluation of the plan, the cash-flow rows (the
engine's own columns, with the cumulative and discounted cumulative positions built from
the engine's discounted flows: nothing is discounted here) and the resolved assumptions.
`himcalc.render.pricing` prints it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from himcalc.app.tasks import one_task

if TYPE_CHECKING:
    from himcalc.engine.metrics import Evaluation
    from himcalc.engine.plan import Plan
    from himcalc.engine.scenario import Scenario
    from himcalc.models.store import Datasets


@dataclass(frozen=True, slots=True)
class ShowResult:
    evaluation: Evaluation
    plan: Plan
    base: Scenario
    """The scenario as given (before a programme's own values)."""
    scenario: Scenario
    pathway: str
    name: str
    """The pathway's name in the data."""
    choice: Any
    """The programme's `Choice`, or None for a pathway."""
    rows: list[dict]
    """`cash_flow_rows`: one dict per year (the JSON `cash_flows`)."""
    metrics: dict
    """`Metrics.as_dict()`."""

    @property
    def assumptions(self) -> dict:
        """Every scenario value used, resolved (defaults filled in)."""
        return assumptions(self.plan, self.scenario)


def show(data: Datasets, base: Scenario, pathway: str | None,
         program: str | None) -> ShowResult:
    """Evaluate the one pathway or programme named (a UsageError unless exactly one)."""
    from himcalc.engine.metrics import evaluate_in_full
    from himcalc.engine.plan import make_plan

    scenario, pid, choice = one_task(data, base, pathway, program)
    plan = make_plan(data, scenario, pid)
    evaluation = evaluate_in_full(plan)
    return ShowResult(evaluation, plan, base, scenario, pid, data.get("pathways")[pid].name,
                      choice, cash_flow_rows(plan, evaluation),
                      evaluation.metrics.as_dict())


def cash_flow_rows(plan: Plan, evaluation: Evaluation) -> list[dict]:
    """The engine's columns as one dict per year, with the cumulative net position, the
    cumulative of the engine's discounted net flows, and the own-cash position."""
    from himcalc.engine.finance import cumulative

    flows = evaluation.flows
    cum = cumulative(flows.net)
    disc = cumulative(evaluation.discounted_net)
    cash = cumulative(flows.net_financed)
    return [
        {
            "year": t,
            "age": plan.age + t,
            "phase": "study" if flows.study_share[t] > 0 else "career",
            "direct_cost": flows.direct_cost[t],
            "foregone_earnings": flows.forgone_earnings[t],  # key spelling: a JSON contract
            "earnings_with": flows.earnings_with[t],
            "earnings_without": flows.earnings_without[t],
            "taxes": flows.taxes[t],
            "aid": flows.aid[t],
            "loan_disbursed": flows.loan_disbursed[t],
            "loan_payment": flows.loan_payment[t],
            "net": flows.net[t],
            "cumulative": cum[t],
            "discounted_cumulative": disc[t],
            "net_financed": flows.net_financed[t],
            "cash_position": cash[t],
        }
        for t in range(plan.horizon)
    ]


def assumptions(plan: Plan, scenario: Scenario) -> dict:
    """Every scenario value used, resolved (defaults filled in)."""
    tables = ("loan_rules", "career_occupational", "career_outside", "tax_brackets")
    used = {k: v for k, v in asdict(plan).items() if k not in tables}
    used.update({k: getattr(scenario, k) for k in ("education", "percentile", "tuition_basis",
                                                     "earnings_basis")})
    used.update({k: getattr(scenario, k) for k in ("program", "state")
                 if getattr(scenario, k) is not None})
    return used
