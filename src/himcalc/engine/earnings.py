"""What a person earns on each path, year by year: the earnings model (docs/methodology.md §6).

Both paths follow life-cycle profiles, and the person keeps one rank (`--percentile`) on both:

* **without the credential** (the counterfactual): the median of the person's current
  education (BLS *Education pays*, weekly × 52), at their rank within that education
  (`percentile_ratios`), moving with age along the education's age profile
  (`earnings_profiles`); `--current-salary` replaces the level, the profile still moves it;
* **with it**: each year after completion, the holders of the credential are spread over
  roles (`career_tracks`: occupations and `outside_him`) with the track's shares; in an
  occupation a holder earns the OEWS wage at a percentile that rises with experience from a
  new entrant's (the `experience_percentile_*` parameters) and is shifted by the person's rank;
  outside HIM they earn the credential's education level at their rank and age. The
  projection takes the expected (share-weighted) wage;
* both are weighted by the employment rate of the education they hold (1 − the unemployment
  rate in *Education pays*);
* **basis**: on the default `observed` basis, earnings are anchored to what completers are
  observed to earn: the with-path is scaled so that a median person's modelled earnings 4 years
  after completion equal College Scorecard's median for the credential's level (CIP 51.07), and
  the counterfactual so that a high-school graduate aged 25-34 earns Scorecard's high-school
  benchmark (both all earners, including part-year work). On the `occupation` basis no scaling
  is applied: BLS full-time wages on both paths.

Everything a plan needs from here is a number or a table indexed by whole years after
completion (`CareerModel.tables`), so the year loop (`cashflows`) runs on floats or vectors.
Units: real dollars a year; ages in years; percentiles 10-90.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from himcalc.engine.ops import SCALAR
from himcalc.engine.salary import wage_at_percentile, wage_at_z, z_score
from himcalc.errors import DatasetError
from himcalc.models.enums import EarningsBasis, Education

TYPE_CHECKING = False
if TYPE_CHECKING:
    from himcalc.engine.ops import Ops
    from himcalc.engine.programs import Local
    from himcalc.models.education import Pathway
    from himcalc.models.store import Datasets

BAND_MIDPOINTS = (29.5, 39.5, 49.5, 59.5)
"""Ages at which the four CPS age bands' values apply (25-34 … 55-64)."""
CAREER_YEARS = 100
"""Length of the career tables: more whole years after completion than any horizon (≤ 80)."""
SCORECARD_YEARS = 4
"""College Scorecard measures earnings 4 years after completion (field-of-study data)."""
REFERENCE_AGE = 25.0
"""The age at the start of study at which the observed basis is calibrated (the default)."""
MEMO_PERCENTILES = 1024
"""Percentiles whose career tables a `CareerModel` keeps (memory stays flat)."""
OUTSIDE = "outside_him"


def profile_at(bands, age, o: Ops = SCALAR):
    """The age-band value at `age`: linear between the band mid-points, flat outside them.

    `bands` are four values at ages 29.5, 39.5, 49.5, 59.5 (`BAND_MIDPOINTS`); `age` a number
    or (array backend) a vector of ages.

    >>> profile_at((1.0, 2.0, 3.0, 3.0), 34.5), profile_at((1.0, 2.0, 3.0, 3.0), 20)
    (1.5, 1.0)
    """
    a = o.minimum(o.maximum(age, BAND_MIDPOINTS[0]), BAND_MIDPOINTS[-1])
    b0, b1, b2, b3 = bands
    first = b0 + (b1 - b0) * (a - 29.5) / 10.0
    second = b1 + (b2 - b1) * (a - 39.5) / 10.0
    third = b2 + (b3 - b2) * (a - 49.5) / 10.0
    return o.where(a < 39.5, first, o.where(a < 49.5, second, third))


AGES = 171
"""Ages a profile table covers, 0 to 170: past any age at the start (≤ 90) plus a horizon
(≤ 80)."""


@functools.cache
def profile_table(bands: tuple[float, float, float, float]) -> tuple[float, ...]:
    """`profile_at(bands, age)` for every whole age 0 … 170: ages are whole years, so the
    year loop looks the profile up (`ops.pick`) instead of interpolating, on both backends.

    >>> profile_table((1.0, 2.0, 3.0, 3.0))[34]
    1.45
    """
    return tuple(profile_at(bands, age) for age in range(AGES))


def experience_percentile(years_after: float, ramp: tuple[float, float, float]) -> float:
    """A median holder's percentile in an occupation after `years_after` whole years.

    `ramp` = (percentile at 0, at 10, at 25 years): linear in between, flat after 25.

    >>> experience_percentile(5, (15.0, 50.0, 68.0)), experience_percentile(40, (15.0, 50.0, 68.0))
    (32.5, 68.0)
    """
    start, ten, twenty_five = ramp
    if years_after <= 10:
        return start + (ten - start) * years_after / 10
    if years_after <= 25:
        return ten + (twenty_five - ten) * (years_after - 10) / 15
    return twenty_five


@dataclass(frozen=True, slots=True)
class Level:
    """Earnings of one education level: median (full-time, a year), age bands, spread, and
    the employment rate (1 − unemployment)."""

    median: float
    bands: tuple[float, float, float, float]
    ratios: tuple[tuple[int, float], ...]  # (percentile, ratio to the median)
    employment: float

    def at(self, percentile: float) -> float:
        """The all-ages earnings of a person at `percentile` of this level (full-time)."""
        points = [(p, r * self.median) for p, r in self.ratios]
        return wage_at_percentile(points, percentile)


@dataclass(frozen=True, slots=True)
class CareerModel:
    """What the earnings of one pathway's holders and of the person without it depend on.

    `periods`: (from years after completion, ((share, OEWS points), …) of the occupations,
    share outside HIM). `graduate_scale` and `counterfactual_scale` are the basis factors.
    """

    periods: tuple[tuple[float, tuple[tuple[float, tuple[tuple[int, float], ...]], ...], float],
                   ...]
    ramp: tuple[float, float, float]
    holder: Level  # the credential's education level (the outside-HIM role)
    current: Level  # the person's current education (the counterfactual)
    counterfactual_scale: float
    graduate_scale: float = 1.0
    memo: dict = field(default_factory=dict, compare=False)

    def period_at(self, years_after: float):
        found = self.periods[0]
        for period in self.periods:
            if years_after + 1e-9 >= period[0]:
                found = period
        return found

    def tables(self, percentile: float) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """(occupational, outside) career tables for a person at `percentile`, full-time basis.

        Entry c (whole years after completion) of the first is Σ share × OEWS wage of each
        occupation at the experience percentile shifted by the person's rank; of the second,
        the share outside HIM × the holder level's all-ages earnings at the person's rank (the
        age profile is applied in the year loop). Unscaled by the basis.
        """
        found = self.memo.get(percentile)
        if found is None:
            z_person = z_score(percentile)
            outside_level = self.holder.at(percentile)
            occupational, outside = [], []
            for c in range(CAREER_YEARS):
                _, roles, outside_share = self.period_at(c)
                z = z_score(experience_percentile(c, self.ramp)) + z_person
                occupational.append(math.fsum(share * wage_at_z(points, z)
                                              for share, points in roles))
                outside.append(outside_share * outside_level)
            found = (tuple(occupational), tuple(outside))
            if len(self.memo) < MEMO_PERCENTILES:
                self.memo[percentile] = found
        return found

    def expected_wage(self, years_after: int, age: float, percentile: float) -> float:
        """A holder's expected full-time wage `years_after` whole years after completion."""
        occupational, outside = self.tables(percentile)
        return occupational[years_after] + outside[years_after] * profile_at(
            self.holder.bands, age)

    def counterfactual(self, percentile: float, age: float) -> float:
        """The person's earnings without the credential at `age` (before employment weighting),
        on the model's basis."""
        return (self.current.at(percentile) * profile_at(self.current.bands, age)
                * self.counterfactual_scale)


def _level(data: Datasets, education: Education) -> Level:
    earnings = data.get("earnings").get(education.value)
    profile = data.get("earnings_profiles").get(education.value)
    if earnings is None or profile is None:
        raise DatasetError(f"no earnings or earnings profile for education '{education.value}' "
                           "(datasets earnings, earnings_profiles)")
    r = profile.percentile_ratios
    return Level(
        median=earnings.annual,
        bands=profile.age_bands.values(),
        ratios=((10, r.p10), (25, r.p25), (50, 1.0), (75, r.p75), (90, r.p90)),
        employment=1.0 - (earnings.unemployment_rate or 0.0),
    )


def _periods(data: Datasets, pathway: Pathway, wages: dict | None = None) -> tuple:
    """The career track's periods: (from year, ((share, wage points) of each occupation),
    share outside HIM). `wages` replaces an occupation's national points (a state's)."""
    occupations = data.get("occupations")
    track = data.get("career_tracks")[pathway.career_track]
    periods = []
    for stage in track.stages:
        shares = stage.shares()
        roles = tuple((share, (wages or {}).get(role)
                       or tuple(occupations[role].annual_wages.known()))
                      for role, share in shares.items() if role != OUTSIDE)
        periods.append((stage.from_year, roles, shares.get(OUTSIDE, 0.0)))
    return tuple(periods)


def career_model(data: Datasets, pathway: Pathway, education: Education,
                 basis: EarningsBasis, local: Local | None = None) -> CareerModel:
    """The `CareerModel` of `pathway` for a person holding `education`, on `basis`.

    `local` (`engine.programs`) brings a state's wages, its high-school benchmark and a
    programme's observed earnings. With a state but no programme, the with-path is scaled by
    the *national* factor (the level's Scorecard median over the national model), so that the
    state's wages move the level; a programme's own earnings anchor the model as priced.
    """
    param = data.parameter
    national = _periods(data, pathway)
    wages = local.wage_points() if local is not None else None
    periods = _periods(data, pathway, wages) if wages else national
    model = CareerModel(
        periods=periods,
        ramp=(param("experience_percentile_start"), param("experience_percentile_year_10"),
              param("experience_percentile_year_25")),
        holder=_level(data, pathway.awards_education),
        current=_level(data, education),
        counterfactual_scale=1.0,
    )
    if basis is EarningsBasis.occupation:
        return model
    level = pathway.credential_level.value
    observed = next((r for r in data.get("scorecard_levels").values() if r.level == level
                     and r.earnings_4yr_median is not None), None)
    if observed is None:
        raise DatasetError(f"no College Scorecard earnings for the {level} level (dataset "
                           "scorecard_levels); use --earnings-basis occupation")
    high_school = _level(data, Education.high_school)
    benchmark = observed.hs_benchmark_national
    if local is not None and local.hs_benchmark is not None:
        benchmark = local.hs_benchmark
    counterfactual_scale = benchmark / (
        high_school.median * profile_at(high_school.bands, BAND_MIDPOINTS[0]))
    age = REFERENCE_AGE + pathway.duration_months / 12 + SCORECARD_YEARS
    if local is not None and local.earnings_4yr is not None:
        graduate_scale = local.earnings_4yr / model.expected_wage(SCORECARD_YEARS, age, 50.0)
    else:
        reference = model if periods is national else CareerModel(
            periods=national, ramp=model.ramp, holder=model.holder, current=model.current,
            counterfactual_scale=1.0)
        graduate_scale = (observed.earnings_4yr_median
                          / reference.expected_wage(SCORECARD_YEARS, age, 50.0))
    return CareerModel(
        periods=model.periods, ramp=model.ramp, holder=model.holder, current=model.current,
        counterfactual_scale=counterfactual_scale,
        graduate_scale=graduate_scale,
        memo=model.memo,  # the tables are unscaled: the same for both models
    )
