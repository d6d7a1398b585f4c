"""Wage at any percentile from the few percentiles a source prints.

BLS's Occupational Outlook Handbook prints the 10th, 50th and 90th percentile wage. To
price the 25th or 75th we interpolate the *logarithm* of the wage linearly in the normal
score z = Φ⁻¹(p/100). If wages are lognormal this is exact, and it always passes through
every percentile the source gives.

>>> round(wage_at_percentile([(10, 35780.0), (50, 50250.0), (90, 80950.0)], 50))
50250
>>> round(wage_at_percentile([(10, 35780.0), (50, 50250.0), (90, 80950.0)], 25))
42025
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache, lru_cache
from statistics import NormalDist

_NORMAL = NormalDist()


@cache
def z_score(percentile: float) -> float:
    """Standard normal quantile of a percentile in (0, 100)."""
    return _NORMAL.inv_cdf(percentile / 100.0)


def wage_at_percentile(points: Sequence[tuple[int, float]], percentile: float) -> float:
    """Interpolate log-wage linearly in z between the given (percentile, wage) points.

    Outside the given range the nearest segment is extended; with only one point (the
    median) every percentile gets that wage.
    """
    return wage_at_z(points, z_score(percentile))


def wage_at_z(points: Sequence[tuple[int, float]], z: float) -> float:
    """`wage_at_percentile` at a normal score `z` (which may lie beyond p1 or p99)."""
    if len(points) == 1:
        return points[0][1]
    zs, logs = _curve(tuple(points))
    i = 1
    while i < len(points) - 1 and z > zs[i]:
        i += 1
    z0, z1, l0, l1 = zs[i - 1], zs[i], logs[i - 1], logs[i]
    return math.exp(l0 + (l1 - l0) * (z - z0) / (z1 - z0))


@lru_cache(maxsize=256)
def _curve(points: tuple[tuple[int, float], ...]) -> tuple[list[float], list[float]]:
    """The normal scores and log-wages of `points` (computed once per set of points)."""
    return [z_score(p) for p, _ in points], [math.log(w) for _, w in points]
