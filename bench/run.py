"""Start-up, throughput and memory of himcalc on this machine (a benchmark, not a test).

    python bench/run.py            # everything (the 1,000,000-line memory run takes minutes)
    python bench/run.py --quick    # smaller inputs

Prints, side by side:
* start-up: median wall time of `himcalc compare -f json` and `himcalc --version` over N runs,
  each divided by the median of `python -c "import typer, pydantic, yaml"` (our stack's floor);
* throughput: scenario × pathway evaluations per second of `himcalc batch` on generated
  scenarios, and the ratio to a plain reference loop that computes the same cash flows and
  then NPV and IRR with numpy-financial per evaluation (checking that both agree);
* peak memory (max RSS) of `himcalc batch` on a large input.
Targets (README, "Performance"): start-up ratio <= 1.15 (compare) and <= 1.05 (--version);
batch >= 10x the reference loop; batch peak memory <= 150 MB whatever the input size.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

PATHWAYS = ["coding-certificate", "associate-hit", "bachelor-him"]


def himcalc() -> list[str]:
    exe = shutil.which("himcalc") or str(Path(sys.executable).with_name("himcalc"))
    return [exe]


def median_time(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def startup(runs: int) -> None:
    floor = median_time([sys.executable, "-c", "import typer, pydantic, yaml"], runs)
    compare = median_time([*himcalc(), "compare", "-f", "json"], runs)
    version = median_time([*himcalc(), "--version"], runs)
    print(f"start-up (median of {runs})")
    print(f"  floor: python -c 'import typer, pydantic, yaml'  {floor * 1000:7.1f} ms")
    print(f"  himcalc compare -f json                         {compare * 1000:7.1f} ms"
          f"   ratio {compare / floor:.2f}  (target <= 1.15)")
    print(f"  himcalc --version                               {version * 1000:7.1f} ms"
          f"   ratio {version / floor:.2f}  (target <= 1.05)")


def scenarios(n: int, seed: int = 1) -> Iterator[dict]:
    """Generated scenarios, lazily: holding a million dicts here would inflate the measured
    peak memory of the child process (fork copies this process's pages before exec)."""
    rng = random.Random(seed)
    for i in range(n):
        yield {"id": i, "age": rng.randint(18, 55), "current_salary": rng.randint(20_000, 70_000),
               "percentile": rng.choice([25, 50, 75]), "pathways": [rng.choice(PATHWAYS)]}


def write_jsonl(rows: Iterable[dict], path: Path) -> None:
    with path.open("w") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")


def run_batch(path: Path) -> tuple[float, int, list[dict], int]:
    """(seconds, rows out, first rows, max RSS in KiB) of `himcalc batch --input path`.

    The peak is RUSAGE_CHILDREN's: the largest resident set of any child so far (the batch
    runs are the largest children this script starts).
    """
    start = time.perf_counter()
    proc = subprocess.Popen([*himcalc(), "batch", "--input", str(path)],
                            stdout=subprocess.PIPE, text=True)
    first: list[dict] = []
    count = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        if len(first) < 2000:
            first.append(json.loads(line))
        count += 1
    proc.wait()
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"himcalc batch failed with exit code {proc.returncode}")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, count, first, rss


def reference(rows: list[dict]) -> tuple[float, list[tuple[float, float | None]]]:
    """Per-evaluation seconds of: engine cash flows, then numpy_financial npv and irr."""
    import numpy_financial as npf

    from himcalc import loader
    from himcalc.engine.cashflows import project
    from himcalc.engine.plan import make_plan
    from himcalc.engine.scenario import Scenario

    data = loader.load()
    out = []
    start = time.perf_counter()
    for row in rows:
        fields = {k: v for k, v in row.items() if k not in ("id", "pathways")}
        plan = make_plan(data, Scenario.model_validate(fields), row["pathways"][0])
        flows, _ = project(plan)
        value = float(npf.npv(plan.discount_rate, flows.net))
        rate = float(npf.irr(flows.net))
        out.append((value, None if rate != rate else rate))
    return (time.perf_counter() - start) / len(rows), out


def throughput(n: int, tmp: Path) -> None:
    path = tmp / "scenarios.jsonl"
    write_jsonl(scenarios(n), path)
    elapsed, count, first, _ = run_batch(path)
    per_sec = count / elapsed
    sample = list(itertools.islice(scenarios(n), 2000))
    ref_seconds, ref = reference(sample)
    agree = all(
        abs(got["npv"] - value) <= 1e-6 * max(1.0, abs(value))
        and ((got["irr"] is None) == (rate is None))
        and (rate is None or abs(got["irr"] - rate) < 1e-6)
        for got, (value, rate) in zip(first, ref, strict=False)
    )
    print(f"throughput ({n:,} scenarios x 1 pathway)")
    print(f"  himcalc batch          {per_sec:10,.0f} evaluations/s  "
          f"({elapsed:.1f} s incl. start-up)")
    print(f"  reference (npf loop)   {1 / ref_seconds:10,.0f} evaluations/s")
    print(f"  ratio                  {per_sec * ref_seconds:10.1f}x  (target >= 10)   "
          f"results agree: {agree}")


def memory(n: int, tmp: Path) -> None:
    path = tmp / "big.jsonl"
    write_jsonl(scenarios(n, seed=2), path)
    elapsed, count, _, rss = run_batch(path)
    print(f"memory ({n:,} lines, {path.stat().st_size / 1e6:.0f} MB of input)")
    print(f"  himcalc batch peak RSS {rss / 1024:8.1f} MB  (target <= 150)  "
          f"[{count:,} rows in {elapsed:.0f} s]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs, fewer runs")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        startup(runs=5 if args.quick else 15)
        throughput(10_000 if args.quick else 100_000, Path(tmp))
        memory(50_000 if args.quick else 1_000_000, Path(tmp))


if __name__ == "__main__":
    main()
