"""Monte Carlo risk of a pathway: the spread of payback and NPV over simulated people.

Each run is one person; docs/risk.md states and sources every draw:

* **salary position** ε ~ N(0, 1): as a holder of the credential the person sits at normal
  score z = z_p + spread × ε, where z_p is the scenario's percentile. In an occupation they
  earn its OEWS wage at z shifted by the experience ramp, read off the curve the engine uses
  for `--percentile` (`salary.wage_at_percentile`: log-wage linear in z between the source's
  percentiles, a two-piece lognormal through every published percentile); outside HIM, the
  holder education's earnings at z. The same ε holds through the career;
* **role**: u ~ U(0, 1) picks the role held in each period of the career track from the
  track's shares, in the order the track lists them; the same u in every period, so a person
  keeps their place as the shares move (drawn only when the salary spread is above 0: at
  spread 0 everyone earns the expected, share-weighted wage, as the engine does);
* **rank without the credential**: when the counterfactual comes from the data (no
  `--current-salary`), the person sits at z_p + spread × (ρ ε + √(1 − ρ²) ξ) among holders of
  their current education, ξ ~ N(0, 1) and ρ the `rank_correlation` parameter: who earns well
  without the credential tends to earn well with it;
* **real wage growth** g ~ N(scenario growth, `wage_growth_sd`), applied to both earnings
  columns (with and without the credential) as the factor ``((1 + g) / (1 + g₀))^t``;
* **completion** ~ Bernoulli(the plan's completion probability); a non-completer follows the
  engine's non-completer path (studies part of the programme, then earns the counterfactual);
* **time to complete** (part-time study only): the part-time factor × U(1 − s, 1 + s),
  s = `time_spread`, rounded to whole months and never faster than full-time.

One engine: the cash flows of each distinct (duration, completes) path come from
`cashflows.project`; a run only rescales parts of the earnings premium. With
``net_t = premium_t × (1 − tax) − cost_t + aid_t`` and ``premium_t = with_t − without_t``, a
run's net flow is::

    net_t(run) = net_t + (1 − tax) × (premium_t(run) − premium_t)
    premium_t(run) = r_t × (premium_t + (m_t − 1) × career_t + (k − 1) × (premium_t − career_t))

where ``career_t = with_t − study_share_t × kept × without_t`` is the career-wage part of the
earnings with the credential, the rest of them (the salary kept while studying, or a
non-completer's counterfactual earnings) scaling with the counterfactual, so that
``premium_t − career_t`` is what a counterfactual draw rescales; ``m_t`` the ratio of the
run's career wage (its role, at its z) to the expected one, ``k`` the ratio of the run's
counterfactual to the engine's and ``r_t`` its growth factor. This is exact for the earnings,
taxes and costs; aid is the central path's (docs/risk.md, "What is approximated"). With every
spread zero the run's flows *are* the engine's, bit for bit, and so are its NPV (the running
sum of discounted flows, as `metrics.measure`) and payback (`finance.payback_of` on the numpy
backend).

Conventions: rows of ``flows[t]`` are years from the start of study (t = 0), real dollars,
outflows negative; payback in years from the start of study, NaN internally and None in results
for "never within the horizon".

numpy is imported here and nowhere at `himcalc` import time (the CLI imports this module inside
the `simulate` command).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

from himcalc.engine import finance
from himcalc.engine import plan as planning
from himcalc.engine.cashflows import Flows, project
from himcalc.engine.earnings import CareerModel, Level, experience_percentile, profile_at
from himcalc.engine.ops import array_ops
from himcalc.engine.plan import Plan, make_plan, plan_taking
from himcalc.engine.salary import z_score
from himcalc.engine.scenario import Scenario
from himcalc.errors import InputError
from himcalc.models.enums import StudyMode
from himcalc.models.store import Datasets

CHUNK = 50_000
"""Runs evaluated together: bounds memory (a few (horizon × CHUNK) float arrays) whatever --runs."""
KEEP_LIMIT = 4_000_000
"""Up to this many runs the per-run outcomes are kept and each is sorted once (64 MB); above
it `simulate` summarises chunk by chunk (`_Stream`), so memory does not grow with --runs."""
PILOT = 500_000
"""Runs whose outcomes place the windows and histogram edges when streaming (`_Order`)."""
WINDOW = 0.005
"""Half-width, in probability, of the window of values kept around each quantile when
streaming: 7 standard errors of the pilot's median (≈ 0.0007), so ≤ 1 % of the runs kept."""
HISTOGRAM_BINS = 1024
"""Bins (edges at the pilot's quantiles) counted when streaming: if a window missed its
quantile, a second pass keeps the values of the one bin that holds it."""
MERGE = 1 << 20
"""Kept values are merged into (distinct value, count) pairs when this many accumulate, so a
value many runs share (every spread zero) costs one entry."""

DEFAULT_RUNS = 10_000
DEFAULT_WITHIN = 10.0
DEFAULT_SALARY_SPREAD = 1.0
DEFAULT_WAGE_GROWTH_SD = 0.005
"""0.5 percentage points a year: an assumption (docs/risk.md)."""
DEFAULT_TIME_SPREAD = 0.25
"""Part-time factor ± 25 %, uniform: an assumption (docs/risk.md)."""
MAX_RUNS = 100_000_000
MAX_WAGE_GROWTH_SD = 0.05
QUANTILES = (0.10, 0.50, 0.90)


@dataclass(frozen=True, slots=True)
class Settings:
    """How to simulate: number of runs, seed, payback window and the spread of each draw."""

    runs: int = DEFAULT_RUNS
    seed: int = 0
    within: float = DEFAULT_WITHIN
    salary_spread: float = DEFAULT_SALARY_SPREAD
    wage_growth_sd: float = DEFAULT_WAGE_GROWTH_SD
    time_spread: float = DEFAULT_TIME_SPREAD

    def check(self) -> None:
        """Raise InputError naming the first setting out of range."""
        if not 1 <= self.runs <= MAX_RUNS:
            raise InputError(f"--runs must be between 1 and {MAX_RUNS:,} (got {self.runs})")
        if self.seed < 0:
            raise InputError(f"--seed must be a non-negative integer (got {self.seed})")
        if not (self.within > 0 and math.isfinite(self.within)):
            raise InputError(f"--within must be a positive number of years (got {self.within})")
        if not 0 <= self.salary_spread <= 3:
            raise InputError(f"--salary-spread must be between 0 and 3 (got {self.salary_spread})")
        if not 0 <= self.wage_growth_sd <= MAX_WAGE_GROWTH_SD:
            raise InputError(
                f"--wage-growth-sd must be between 0 and {MAX_WAGE_GROWTH_SD:.0%} "
                f"(got {self.wage_growth_sd})")
        if not 0 <= self.time_spread < 1:
            raise InputError(f"--time-spread must be in [0, 1) (got {self.time_spread})")


@dataclass(frozen=True, slots=True)
class Risk:
    """The distribution of payback and NPV of one pathway over `runs` simulated people.

    Payback quantiles are None where the quantile is "never within the horizon".
    """

    pathway: str
    institution: str
    study_mode: str
    runs: int
    seed: int
    within_years: float
    p_payback_within: float
    p_never: float
    payback_p10: float | None
    payback_p50: float | None
    payback_p90: float | None
    npv_p10: float
    npv_p50: float
    npv_p90: float
    npv_mean: float
    npv_se: float
    p_npv_positive: float
    completion_probability: float
    salary_spread: float
    wage_growth_sd: float
    time_spread: float

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Outcomes:
    """Per-run results (numpy arrays, one entry per run): payback (NaN = never) and NPV."""

    payback: np.ndarray
    npv: np.ndarray


# ------------------------------------------------------------------------------ the paths


@dataclass(frozen=True, slots=True)
class _Path:
    """One engine path as numpy columns, plus what a run needs to rescale it."""

    net: np.ndarray
    premium: np.ndarray
    career: np.ndarray
    after: np.ndarray  # whole years after completion in each year (completer), else -1


def _path(plan: Plan, flows: Flows, completes: bool) -> _Path:
    """Columns of one engine path; `career` is zero for a non-completer (no career wage)."""
    with_ = np.asarray(flows.earnings_with, dtype=float)
    without = np.asarray(flows.earnings_without, dtype=float)
    share = np.asarray(flows.study_share, dtype=float)
    horizon = plan.horizon
    after = np.full(horizon, -1, dtype=np.intp)
    if completes:
        career = with_ - share * plan.kept_share * without
        career[share >= 1.0] = 0.0
        t = np.arange(horizon)
        after = np.floor(np.maximum(t - plan.years_to_complete, 0.0) + 1e-9).astype(np.intp)
    else:
        career = np.zeros(horizon)
    return _Path(net=np.asarray(flows.net, dtype=float), premium=with_ - without,
                 career=career, after=after)


def _paths(plan: Plan, need_leaver: bool) -> tuple[_Path, _Path | None]:
    """(completer, non-completer) paths of `plan` from `cashflows.project`.

    With probability 0 the engine's mix is exactly the non-completer's row (0 × a + 1 × b).
    """
    if not need_leaver:
        _, completer = project(replace(plan, completion_probability=1.0))
        return _path(plan, completer, True), None
    leaver, completer = project(replace(plan, completion_probability=0.0))
    return _path(plan, completer, True), _path(plan, leaver, False)


# ------------------------------------------------------------------------- vectorised maths


def npv_rows(rate: float, net: np.ndarray) -> np.ndarray:
    """NPV of each column of `net` (years × runs), with the engine's arithmetic exactly.

    `metrics.measure` takes NPV as the running sum of `finance.discount`'s terms, each flow
    divided by ``(1 + rate) ** t`` built by repeated multiplication; this does the same, one
    year (a vector over runs) at a time, so the results are bit-identical.

    >>> npv_rows(0.10, np.array([[-1000.0], [550.0], [605.0]])).round(9).tolist()  # 0 ± rounding
    [-0.0]
    """
    growth = 1.0 + rate
    factor = 1.0
    acc = np.zeros(net.shape[1])
    for t in range(net.shape[0]):
        acc += net[t] / factor
        factor *= growth
    return acc


def payback_rows(net: np.ndarray) -> np.ndarray:
    """`finance.payback_years` of each column of `net` (years × runs); NaN for None.

    The engine's own payback (`finance.payback_of`) run on the numpy backend, one year (a
    vector over runs) at a time.

    >>> payback_rows(np.array([[-100.0, 50.0, -1.0], [40.0, -100.0, 0.0],
    ...                        [40.0, 200.0, 0.0], [40.0, 0.0, 0.0]])).tolist()
    [3.5, 2.25, nan]
    """
    with np.errstate(all="ignore"):
        return np.asarray(finance.payback_of(list(net), array_ops()), dtype=float)


def quantile(values: np.ndarray, q: float) -> float | None:
    """The q-quantile (numpy's default linear interpolation), NaN sorted last as "never".

    None when the quantile needs a "never" value.

    >>> quantile(np.array([1.0, 2.0, np.nan, 3.0]), 0.5), quantile(np.array([1.0, np.nan]), 0.9)
    (2.5, None)
    """
    return quantile_of(np.sort(values), q)  # NaN sorts last


def _ranks(n: int, q: float) -> tuple[int, int, float]:
    """The two order statistics (0-based) numpy's linear quantile q of n values reads, and h."""
    h = (n - 1) * q
    return math.floor(h), math.ceil(h), h


def _interpolate(a: float, b: float, lo: int, hi: int, h: float) -> float | None:
    if math.isnan(a) or math.isnan(b):
        return None
    return a if lo == hi or a == b else a + (b - a) * (h - lo)


def quantile_of(ordered: np.ndarray, q: float) -> float | None:
    """`quantile` of values already sorted (NaN last): sort once, read every quantile."""
    lo, hi, h = _ranks(len(ordered), q)
    return _interpolate(float(ordered[lo]), float(ordered[hi]), lo, hi, h)


# ---------------------------------------------------------------------------- the simulation


def log_wage_at_z(points: Sequence[tuple[int, float]], z: np.ndarray) -> np.ndarray:
    """ln(wage) at normal scores `z`: `salary.wage_at_percentile`'s curve, on arrays.

    Linear in z between the given (percentile, wage) points, the first and last segments
    extended; a single point (the median only) gives that wage everywhere.

    >>> pts = [(10, 100.0), (50, 200.0), (90, 400.0)]
    >>> np.exp(log_wage_at_z(pts, np.array([z_score(10), 0.0, z_score(90)]))).round(6).tolist()
    [100.0, 200.0, 400.0]
    """
    logs = np.log([w for _, w in points])
    if len(points) == 1:
        return np.full(z.shape, logs[0])
    zs = np.array([z_score(p) for p, _ in points])
    i = np.clip(np.searchsorted(zs, z, side="left"), 1, len(points) - 1)
    z0, z1, l0, l1 = zs[i - 1], zs[i], logs[i - 1], logs[i]
    return l0 + (l1 - l0) * (z - z0) / (z1 - z0)


def _log_level(level: Level, z: np.ndarray) -> np.ndarray:
    """ln(earnings) of an education level at normal scores `z` (all ages, full-time)."""
    return log_wage_at_z([(p, r * level.median) for p, r in level.ratios], z)


def career_ratio_minus_1(model: CareerModel, plan: Plan, path: _Path, z: np.ndarray,
                         u: np.ndarray) -> np.ndarray:
    """m_t − 1 (years × runs): each run's career wage (the role u picks, at normal score z)
    over the expected wage the engine uses, minus 1, in every year with a career wage."""
    out = np.zeros((len(path.career), z.size))
    occupational, outside = plan.career_occupational, plan.career_outside
    outside_level = np.exp(_log_level(model.holder, z))
    for t in np.flatnonzero(path.career != 0.0):
        c = int(path.after[t])
        _, roles, outside_share = model.period_at(c)
        age_factor = profile_at(model.holder.bands, plan.age + t)
        expected = occupational[c] + outside[c] * age_factor
        z_c = z + z_score(experience_percentile(c, model.ramp))
        wages = [np.exp(log_wage_at_z(points, z_c)) for _, points in roles]
        wages.append(outside_level * age_factor)
        bounds = np.cumsum([share for share, _ in roles] + [outside_share])
        pick = np.minimum(np.searchsorted(bounds, u, side="right"), len(wages) - 1)
        out[t] = np.choose(pick, wages) / expected - 1.0
    return out


def _streams(seed: int) -> list[np.random.Generator]:
    """Six independent generators (salary, growth, completion, duration, role, counterfactual
    rank) from one seed.

    Separate streams make each draw independent of the chunk size and of which other draws a
    pathway uses, so the same seed gives every pathway the same simulated people (common random
    numbers: differences between pathways are not noise from different draws).
    """
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]


def outcomes(data: Datasets, scenario: Scenario, pathway_id: str, settings: Settings,
             progress: Callable[[int], None] | None = None) -> tuple[Plan, Outcomes]:
    """Simulate `settings.runs` people on `pathway_id`; per-run payback and NPV.

    `progress`, if given, is called with the number of runs done after each chunk.
    """
    settings.check()
    base = make_plan(data, scenario, pathway_id)
    payback = np.empty(settings.runs)
    npv = np.empty(settings.runs)
    for start, pb, nv in _chunks(data, scenario, pathway_id, settings, base, progress):
        payback[start:start + len(pb)] = pb
        npv[start:start + len(nv)] = nv
    return base, Outcomes(payback=payback, npv=npv)


def _chunks(data: Datasets, scenario: Scenario, pathway_id: str, settings: Settings,
            base: Plan, progress: Callable[[int], None] | None = None
            ) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """(first run, payback, NPV) of each chunk of runs, in order; the same seed gives the same
    chunks every time (a second pass regenerates them)."""
    g0 = base.wage_growth
    p = base.completion_probability
    need_leaver = p < 1.0
    part_time = scenario.study_mode is StudyMode.part_time and settings.time_spread > 0
    full_time_months = data.get("pathways")[pathway_id].duration_months
    base_months = base.years_to_complete * 12
    paths: dict[float, tuple[_Path, _Path | None]] = {}
    plan_of: dict[float, Plan] = {}

    def paths_for(years: float) -> tuple[_Path, _Path | None]:
        if years not in paths:
            plan = base if years == base.years_to_complete else plan_taking(
                data, scenario, pathway_id, years)
            plan_of[years] = plan
            paths[years] = _paths(plan, need_leaver)
        return paths[years]

    salary_rng, growth_rng, completion_rng, time_rng, role_rng, rank_rng = _streams(settings.seed)
    model = planning.plan_terms(data, scenario, pathway_id).career
    spread = settings.salary_spread
    z_p = z_score(scenario.percentile)
    rho = data.parameter("rank_correlation")
    own_counterfactual = scenario.current_salary is not None
    n_total = settings.runs
    horizon = base.horizon
    keep = 1.0 - base.tax_rate
    done = 0
    while done < n_total:
        n = min(CHUNK, n_total - done)
        eps = salary_rng.standard_normal(n)
        growth = g0 + settings.wage_growth_sd * growth_rng.standard_normal(n)
        completes = completion_rng.random(n) < p
        if part_time:
            u = time_rng.uniform(1.0 - settings.time_spread, 1.0 + settings.time_spread, n)
            months = np.maximum(np.rint(base_months * u), full_time_months)
        else:
            months = np.full(n, base_months)
        role_u = role_rng.random(n)
        xi = rank_rng.standard_normal(n)
        ratio = (1.0 + growth) / (1.0 + g0)
        z = z_p + spread * eps
        cf_minus_1 = None
        if spread > 0 and not own_counterfactual:
            z_cf = z_p + spread * (rho * eps + math.sqrt(1.0 - rho * rho) * xi)
            cf_minus_1 = np.expm1(_log_level(model.current, z_cf)
                                  - _log_level(model.current, np.array([z_p]))[0])
        payback = np.empty(n)
        npv = np.empty(n)
        for m in np.unique(months):
            years = base.years_to_complete if m == base_months else float(m) / 12
            completer, leaver = paths_for(years)
            for path, mask in ((completer, completes), (leaver, ~completes)):
                idx = np.flatnonzero((months == m) & mask)
                if path is None or idx.size == 0:
                    continue
                m_minus_1 = (career_ratio_minus_1(model, plan_of[years], path, z[idx],
                                                  role_u[idx])
                             if spread > 0 and path.career.any() else None)
                k_minus_1 = None if cf_minus_1 is None else cf_minus_1[idx]
                net = _run_flows(path, m_minus_1, k_minus_1, ratio[idx], keep, horizon)
                payback[idx] = payback_rows(net)
                npv[idx] = npv_rows(base.discount_rate, net)
        yield done, payback, npv
        done += n
        if progress is not None:
            progress(done)


def _run_flows(path: _Path, m_minus_1: np.ndarray | None, k_minus_1: np.ndarray | None,
               ratio: np.ndarray, keep: float, horizon: int) -> np.ndarray:
    """Net flows (years × runs) of the runs on one path (see the module docstring); a None
    draw leaves that part of the premium as the engine's."""
    out = np.empty((horizon, ratio.size))
    r = np.ones(ratio.size)
    col = np.empty(ratio.size)
    for t in range(horizon):
        if t:
            r *= ratio
        premium, career = path.premium[t], path.career[t]
        col.fill(premium)
        if m_minus_1 is not None and career != 0.0:
            col += m_minus_1[t] * career
        if k_minus_1 is not None:  # other − without = premium − career
            col += k_minus_1 * (premium - career)
        col *= r
        col -= premium
        col *= keep
        col += path.net[t]
        out[t] = col
    return out


def summarise(plan: Plan, result: Outcomes, settings: Settings) -> Risk:
    """Probabilities, quantiles and the mean of the per-run outcomes."""
    pb, npv = result.payback, result.npv
    n = len(npv)
    sorted_pb, sorted_npv = np.sort(pb), np.sort(npv)  # each result sorted once
    qs_pb = [quantile_of(sorted_pb, q) for q in QUANTILES]
    qs_npv = [quantile_of(sorted_npv, q) for q in QUANTILES]
    del sorted_pb, sorted_npv
    shift = float(npv[0])  # work with deviations: exact when every run is the same
    deviations = npv - shift
    mean = shift + float(np.mean(deviations))
    se = float(np.std(deviations, ddof=1)) / math.sqrt(n) if n > 1 else 0.0
    return _risk(plan, settings, n, qs_pb, qs_npv, mean, se,
                 within=int(np.count_nonzero(pb <= settings.within)),
                 never=int(np.count_nonzero(np.isnan(pb))),
                 positive=int(np.count_nonzero(npv > 0.0)))


def _risk(plan: Plan, settings: Settings, n: int, qs_pb: list, qs_npv: list, mean: float,
          se: float, within: int, never: int, positive: int) -> Risk:
    return Risk(
        pathway=plan.pathway,
        institution=plan.institution,
        study_mode=plan.study_mode,
        runs=n,
        seed=settings.seed,
        within_years=settings.within,
        p_payback_within=within / n,
        p_never=never / n,
        payback_p10=qs_pb[0],
        payback_p50=qs_pb[1],
        payback_p90=qs_pb[2],
        npv_p10=qs_npv[0],  # type: ignore[arg-type]  # NPV is never NaN
        npv_p50=qs_npv[1],  # type: ignore[arg-type]
        npv_p90=qs_npv[2],  # type: ignore[arg-type]
        npv_mean=mean,
        npv_se=se,
        p_npv_positive=positive / n,
        completion_probability=plan.completion_probability,
        salary_spread=settings.salary_spread,
        wage_growth_sd=settings.wage_growth_sd,
        time_spread=settings.time_spread,
    )


def simulate(data: Datasets, scenario: Scenario, pathway_id: str, settings: Settings,
             progress: Callable[[int], None] | None = None) -> Risk:
    """Simulate one pathway and summarise it (the `himcalc simulate` row)."""
    if settings.runs <= KEEP_LIMIT:
        plan, result = outcomes(data, scenario, pathway_id, settings, progress)
        return summarise(plan, result, settings)
    settings.check()
    plan = make_plan(data, scenario, pathway_id)

    def passes() -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        return _chunks(data, scenario, pathway_id, settings, plan)

    return summarise_stream(plan, _chunks(data, scenario, pathway_id, settings, plan, progress),
                            passes, settings)


# ------------------------------------------------------------------ summarising in chunks


class _Order:
    """Exact order statistics of a stream of values (NaN counted apart, sorted last) at a few
    wanted ranks, keeping only the values near each rank.

    The first chunk places a window of values around each wanted quantile (± `WINDOW` in
    probability) and the edges of a histogram; every chunk then adds to the count below each
    window, the values inside it and the histogram. A rank that falls inside its window is
    read exactly from the kept values; one that does not (a first chunk far from typical) is
    found by a second pass keeping the values of the histogram bin that holds it.
    """

    def __init__(self, first: np.ndarray, qs: Sequence[float]) -> None:
        ordered = np.sort(first)  # NaN ("never") last, as the quantiles count it
        finite = ordered[~np.isnan(ordered)]
        self.qs = list(qs)
        probs = np.linspace(0.0, 1.0, HISTOGRAM_BINS + 1)
        self.edges = np.unique(np.quantile(finite, probs)) if finite.size else np.array([0.0])
        last = ordered.size - 1

        def value_at(p: float, low: bool) -> float:
            if p <= 0.0 or p >= 1.0:
                return -math.inf if low else math.inf
            v = float(ordered[math.floor(p * last) if low else math.ceil(p * last)])
            return math.inf if math.isnan(v) else v  # in the "never" part: no finite bound

        self.windows = [(value_at(q - WINDOW, True), value_at(q + WINDOW, False)) for q in qs]
        self.counts = np.zeros(len(self.edges) + 1, dtype=np.int64)
        self.below = [0] * len(qs)
        self.raw: list[list[np.ndarray]] = [[] for _ in qs]
        self.merged = [(np.empty(0), np.empty(0, dtype=np.int64)) for _ in qs]
        self.n = 0
        self.nan = 0

    def add(self, values: np.ndarray) -> None:
        finite = values[~np.isnan(values)]
        self.n += values.size
        self.nan += values.size - finite.size
        self.counts += np.bincount(np.searchsorted(self.edges, finite, side="right"),
                                   minlength=self.counts.size)
        for i, (lo, hi) in enumerate(self.windows):
            self.below[i] += int(np.count_nonzero(finite < lo))
            self.raw[i].append(finite[(finite >= lo) & (finite <= hi)])
            if sum(v.size for v in self.raw[i]) >= MERGE:
                self._merge(i)

    def _merge(self, i: int) -> None:
        """Fold the raw kept values of window i into its sorted (value, count) pairs."""
        values, counts = self.merged[i]
        if not self.raw[i]:
            return
        raw = np.concatenate(self.raw[i])
        self.raw[i] = []
        both = np.concatenate([values, raw])
        weights = np.concatenate([counts, np.ones(raw.size, dtype=np.int64)])
        distinct, inverse = np.unique(both, return_inverse=True)
        self.merged[i] = (distinct, np.bincount(inverse, weights=weights,
                                                minlength=distinct.size).astype(np.int64))

    def quantiles(self, again: Callable[[], Iterator[np.ndarray]]) -> list[float | None]:
        """Every wanted quantile; `again` regenerates the values for a second pass if needed."""
        out = []
        for i, q in enumerate(self.qs):
            lo, hi, h = _ranks(self.n, q)
            a, b = self._at(i, lo, again), self._at(i, hi, again)
            out.append(_interpolate(a, b, lo, hi, h))
        return out

    def _at(self, i: int, rank: int, again: Callable[[], Iterator[np.ndarray]]) -> float:
        if rank >= self.n - self.nan:
            return math.nan
        self._merge(i)
        values, counts = self.merged[i]
        cum = np.cumsum(counts)
        if self.below[i] <= rank < self.below[i] + (int(cum[-1]) if cum.size else 0):
            return float(values[int(np.searchsorted(cum, rank - self.below[i], side="right"))])
        # second pass: keep the values of the histogram bin holding the rank
        cum = np.cumsum(self.counts)
        b = int(np.searchsorted(cum, rank, side="right"))
        before = int(cum[b - 1]) if b else 0
        lo = self.edges[b - 1] if b else -math.inf
        hi = self.edges[b] if b < len(self.edges) else math.inf
        chosen = [v[(v >= lo) & (v < hi)] for v in again()]
        return float(np.sort(np.concatenate(chosen))[rank - before])


def _after_pilot(chunks: Iterator[tuple[int, np.ndarray, np.ndarray]],
                 pilot: list[tuple[np.ndarray, np.ndarray]]
                 ) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """The chunks again, the first `PILOT` runs' outcomes collected in `pilot` before the
    first of them is yielded (they place `_Order`'s windows)."""
    held: list | None = []
    for chunk in chunks:
        if held is not None:
            held.append(chunk)
            pilot.append((chunk[1], chunk[2]))
            if sum(c[1].size for c in held) < PILOT:
                continue
            yield from held
            held = None
            continue
        yield chunk
    if held:
        yield from held


def summarise_stream(plan: Plan, chunks: Iterator[tuple[int, np.ndarray, np.ndarray]],
                     again: Callable[[], Iterator[tuple[int, np.ndarray, np.ndarray]]],
                     settings: Settings) -> Risk:
    """`summarise` of chunks of outcomes, in memory that does not grow with the runs.

    Counts are exact; quantiles are exact (`_Order`); the mean and its standard error are
    merged chunk by chunk (Chan et al.'s pairwise update of mean and sum of squares), equal
    to `summarise`'s to rounding.
    """
    orders: list[_Order] = []
    within = never = positive = n = 0
    mean = m2 = 0.0
    shift = 0.0
    pilot: list[tuple[np.ndarray, np.ndarray]] = []
    for _, pb, npv in _after_pilot(chunks, pilot):
        if not orders:
            orders = [_Order(np.concatenate([p for p, _ in pilot]), QUANTILES),
                      _Order(np.concatenate([v for _, v in pilot]), QUANTILES)]
            shift = float(npv[0])
            pilot.clear()
        orders[0].add(pb)
        orders[1].add(npv)
        within += int(np.count_nonzero(pb <= settings.within))
        never += int(np.count_nonzero(np.isnan(pb)))
        positive += int(np.count_nonzero(npv > 0.0))
        dev = npv - shift
        k = dev.size
        chunk_mean = float(np.mean(dev))
        chunk_m2 = float(np.sum((dev - chunk_mean) ** 2))
        delta = chunk_mean - mean
        total = n + k
        mean += delta * k / total
        m2 += chunk_m2 + delta * delta * n * k / total
        n = total
    qs_pb = orders[0].quantiles(lambda: (pb for _, pb, _ in again()))
    qs_npv = orders[1].quantiles(lambda: (npv for _, _, npv in again()))
    se = math.sqrt(m2 / (n - 1)) / math.sqrt(n) if n > 1 else 0.0
    return _risk(plan, settings, n, qs_pb, qs_npv, shift + mean, se, within, never, positive)
