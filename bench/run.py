"""Start-up, throughput and memory of himcalc on this machine (a benchmark, not a test).

    python bench/run.py            # everything (the 1,000,000-line memory run takes minutes)
    python bench/run.py --quick    # smaller inputs

Prints, side by side:
* start-up: median wall time of `himcalc compare -f json` and `himcalc --version` over N runs
  (alternating with the floor; himcalc's bytecode is compiled first, as pip does on install),
  each divided by the median of `python -c "import typer, pydantic, yaml"` (our stack's floor);
* throughput: scenario × pathway evaluations per second of `himcalc batch` on generated
  scenarios (with its default worker processes, and with --jobs 1), and the ratio to a plain
  reference loop that computes the same NPV and IRR with numpy-financial per evaluation
  (`npf.npv` and `npf.irr` on each evaluation's cash flows, which are computed beforehand and
  not timed), checking that both agree;
* peak memory of `himcalc batch` on a large input: the largest resident set of any one of its
  processes, and the peak of their summed proportional set sizes (PSS: pages the worker
  processes share with the batch process after fork count once in all).
Targets (README, "Performance"): start-up ratio <= 1.15 (compare) and <= 1.05 (--version);
batch >= 10x the reference loop; batch peak memory <= 150 MB whatever the input size.
"""

from __future__ import annotations

import argparse
import contextlib
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
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

PATHWAYS = ["coding-certificate", "associate-hit", "bachelor-him"]


def himcalc() -> list[str]:
    exe = shutil.which("himcalc") or str(Path(sys.executable).with_name("himcalc"))
    return [exe]


def wall_time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def compile_bytecode() -> None:
    """Write himcalc's .pyc files first, as `pip install` does for the packages of the floor.

    Why: in an editable install run with PYTHONDONTWRITEBYTECODE=1 (as in this project's
    sandbox) every himcalc module is compiled from source on every run, ≈ 40-50 ms that an
    installed himcalc never pays and the floor's packages never pay either.
    """
    code = ("import compileall, himcalc, os; "
            "compileall.compile_dir(os.path.dirname(himcalc.__file__), quiet=2)")
    subprocess.run([sys.executable, "-c", code], check=True)  # the floor's interpreter too


def startup(runs: int) -> None:
    """Medians of the three commands, run in turn (floor, compare, version) `runs` times, so
    that a slow spell of a noisy machine slows all three alike."""
    compile_bytecode()
    commands = {
        "floor": [sys.executable, "-c", "import typer, pydantic, yaml"],
        "compare": [*himcalc(), "compare", "-f", "json"],
        "version": [*himcalc(), "--version"],
    }
    for cmd in commands.values():  # warm the disk cache
        wall_time(cmd)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            times[name].append(wall_time(cmd))
    floor, compare, version = (statistics.median(times[name]) for name in commands)
    print(f"start-up (median of {runs}, alternating; himcalc's bytecode compiled first)")
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


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (from /proc)."""
    found = [pid]
    for p in found:
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):  # the process has just ended
                found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _pss_kib(pids: list[int]) -> int:
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def run_batch(path: Path, *options: str, sample: bool = False) -> tuple[float, int, list[dict],
                                                                        int, int]:
    """(seconds, rows out, first rows, max RSS of one process in KiB, peak summed PSS in KiB)
    of `himcalc batch --input path`.

    The max RSS is RUSAGE_CHILDREN's: the largest resident set of any child or grandchild so
    far (the batch runs are the largest this script starts). With `sample`, a thread reads the
    PSS of the batch process and its workers every 50 ms.
    """
    start = time.perf_counter()
    proc = subprocess.Popen([*himcalc(), "batch", *options, "--input", str(path)],
                            stdout=subprocess.PIPE, text=True)
    peak = [0]
    if sample:
        def watch() -> None:
            while proc.poll() is None:
                peak[0] = max(peak[0], _pss_kib(_tree(proc.pid)))
                time.sleep(0.05)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
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
    return elapsed, count, first, rss, peak[0]


def reference(rows: list[dict]) -> tuple[float, list[tuple[float, float | None]]]:
    """Per-evaluation seconds of numpy-financial's npv and irr on each evaluation's cash flows.

    The flows come from the engine (`cashflows.project`) before the clock starts: the loop
    times only what numpy-financial does per evaluation.
    """
    import numpy_financial as npf

    from himcalc import loader
    from himcalc.engine.cashflows import project
    from himcalc.engine.plan import make_plan
    from himcalc.engine.scenario import Scenario

    data = loader.load()
    cases = []
    for row in rows:
        fields = {k: v for k, v in row.items() if k not in ("id", "pathways")}
        plan = make_plan(data, Scenario.model_validate(fields), row["pathways"][0])
        cases.append((plan.discount_rate, project(plan)[0].net))
    out = []
    start = time.perf_counter()
    for rate, net in cases:
        value = float(npf.npv(rate, net))
        irr = float(npf.irr(net))
        out.append((value, None if irr != irr else irr))
    return (time.perf_counter() - start) / len(rows), out


def _agree(first: list[dict], ref: list[tuple[float, float | None]]) -> bool:
    return all(
        abs(got["npv"] - value) <= 1e-6 * max(1.0, abs(value))
        and ((got["irr"] is None) == (rate is None))
        and (rate is None or abs(got["irr"] - rate) < 1e-6)
        for got, (value, rate) in zip(first, ref, strict=False)
    )


def throughput(n: int, tmp: Path) -> None:
    """Each batch run is timed between two timings of the reference loop, and its ratio is
    taken to the faster of the two: the machine's speed drifts (a shared host), and the
    faster reference gives the smaller, safer ratio."""
    path = tmp / "scenarios.jsonl"
    write_jsonl(scenarios(n), path)
    sample = list(itertools.islice(scenarios(n), 2000))
    ref_seconds, ref = reference(sample)
    print(f"throughput ({n:,} scenarios x 1 pathway; wall time includes start-up)")
    for label, options in (("himcalc batch", ()), ("himcalc batch --jobs 1", ("--jobs", "1"))):
        elapsed, count, first, _, _ = run_batch(path, *options)
        after, _ = reference(sample)
        best = min(ref_seconds, after)
        per_sec = count / elapsed
        print(f"  {label:22s} {per_sec:10,.0f} evaluations/s  ({elapsed:.1f} s)   reference "
              f"(npf loop) {1 / best:7,.0f}/s   ratio {per_sec * best:5.1f}x  (target >= 10)   "
              f"results agree: {_agree(first, ref)}")
        ref_seconds = after


def memory(n: int, tmp: Path) -> None:
    path = tmp / "big.jsonl"
    write_jsonl(scenarios(n, seed=2), path)
    elapsed, count, _, rss, pss = run_batch(path, sample=True)
    print(f"memory ({n:,} lines, {path.stat().st_size / 1e6:.0f} MB of input)")
    print(f"  himcalc batch: largest process {rss / 1024:6.1f} MB RSS; all processes "
          f"{pss / 1024:6.1f} MB PSS at peak  (target <= 150)  [{count:,} rows in "
          f"{elapsed:.0f} s]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs, fewer runs")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        startup(runs=11 if args.quick else 21)
        throughput(10_000 if args.quick else 100_000, Path(tmp))
        memory(50_000 if args.quick else 1_000_000, Path(tmp))


if __name__ == "__main__":
    main()
