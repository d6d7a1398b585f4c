"""Benchmark of `himcalc simulate`: wall time and peak memory at 10^4, 10^5 and 10^6 runs.

Each size runs in a fresh subprocess (the engine called in-process there, after loading the
data), so the peak resident memory (`ru_maxrss` of the child) is that run's own. A benchmark,
not a test: it prints a table and asserts nothing.

Usage: python bench/simulate.py [PATHWAY] [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time, tracemalloc
from himcalc import loader
from himcalc.engine.scenario import Scenario
from himcalc.engine import simulate as sim

pathway, runs = sys.argv[1], int(sys.argv[2])
data = loader.load(None)
sim.simulate(data, Scenario(), pathway, sim.Settings(runs=100, seed=0))  # warm-up: imports
base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
start = time.perf_counter()
risk = sim.simulate(data, Scenario(), pathway, sim.Settings(runs=runs, seed=1))
wall = time.perf_counter() - start
_, traced_peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
print(json.dumps({
    "wall_s": wall,
    "traced_peak_mb": traced_peak / 2**20,
    "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rss_before_mb": base_rss / 1024,
    "p_payback_within": risk.p_payback_within,
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pathway", nargs="?", default="bachelor-him")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    print(f"himcalc simulate {args.pathway}: one pathway, default scenario, seed 1")
    print(f"{'runs':>10}  {'wall (s)':>9}  {'runs/s':>11}  {'peak alloc (MB)':>15}  "
          f"{'max RSS (MB)':>12}")
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run([sys.executable, "-c", CHILD, args.pathway, str(size)],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        print(f"{size:>10,}  {r['wall_s']:>9.3f}  {size / r['wall_s']:>11,.0f}  "
              f"{r['traced_peak_mb']:>15.1f}  {r['maxrss_mb']:>12.1f}")
    print("peak alloc: tracemalloc's peak during the run (numpy arrays included); max RSS: the "
          "process's peak resident set, interpreter and data included.")


if __name__ == "__main__":
    main()
