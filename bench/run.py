"""Start-up, throughput and memory of himcalc on this machine (a benchmark, not a test).

    python bench/run.py            # everything (the 1,000,000-line memory run takes minutes)
    python bench/run.py --quick    # smaller inputs
    python bench/run.py --only startup   # one part (startup, throughput or memory)

Prints, side by side:
* start-up: median wall time of `himcalc compare -f json`, `show -f json`, `loan -f json`,
  `data list -f json`, `--help` and `--version` over N runs, alternating with two floors
  (himcalc's bytecode is compiled first, as pip does on install), each divided by the
  median of both floors: `python -c "import typer, pydantic, yaml"` (the import floor: our
  stack imported, nothing built) and bench/typer_floor.py (the typer floor: a minimal typer
  app declaring `compare`'s options that prints `[]`);
* throughput: scenario × pathway evaluations per second of `himcalc batch` on generated
  scenarios (with its default worker processes, and with --jobs 1), and the ratio to a plain
  reference loop that computes the same NPV and IRR with numpy-financial per evaluation
  (`npf.npv` and `npf.irr` on each evaluation's cash flows, which are computed beforehand and
  not timed), checking that both agree;
* peak memory of `himcalc batch` on a large input: the largest resident set of any one of its
  processes, and the peak of their summed proportional set sizes (PSS: pages the worker
  processes share with the batch process after fork count once in all).
Targets (README, "Performance"): the four report commands <= 1.15x the typer floor,
--version <= 0.25x and --help <= 1.5x the import floor; batch >= 10x the reference loop;
batch peak memory <= 150 MB whatever the input size.
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


STARTUP_COMMANDS: dict[str, tuple[str, ...]] = {
    "compare -f json": ("compare", "-f", "json"),
    "show -f json": ("show", "associate-hit", "-f", "json"),
    "loan -f json": ("loan", "--principal", "27000", "-f", "json"),
    "data list -f json": ("data", "list", "-f", "json"),
    "--help": ("--help",),
    "--version": ("--version",),
}
"""The himcalc commands timed at start-up (a short name each)."""

TARGETS = {"compare -f json": ("typer", 1.15), "show -f json": ("typer", 1.15),
           "loan -f json": ("typer", 1.15), "data list -f json": ("typer", 1.15),
           "--help": ("import", 1.5), "--version": ("import", 0.25)}
"""Target of each command (issue 18): its ratio to which floor, at most."""


def startup(runs: int) -> dict[str, float]:
    """Median wall times of two floors and of each command in `STARTUP_COMMANDS`, run in
    turn `runs` times (so that a slow spell of a noisy machine slows all of them alike).

    The floors: the import floor `python -c "import typer, pydantic, yaml"` (our stack
    imported, nothing built: `import pydantic` is lazy) and the typer floor, a minimal typer
    app (bench/typer_floor.py) that declares `compare`'s options, parses them and prints `[]`
    (the cost of the stack itself, which himcalc cannot go below).
    """
    compile_bytecode()
    bench = str(Path(__file__).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(bench, "typer_floor.py"))],
                   check=True)  # imported below, so its bytecode is used as himcalc's is
    floor_app = f"import sys; sys.path.insert(0, {bench!r}); from typer_floor import app; app()"
    commands = {
        "import floor": [sys.executable, "-c", "import typer, pydantic, yaml"],
        "typer floor": [sys.executable, "-c", floor_app, "compare", "-f", "json"],
        **{name: [*himcalc(), *args] for name, args in STARTUP_COMMANDS.items()},
    }
    for cmd in commands.values():  # warm the disk cache
        wall_time(cmd)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            times[name].append(wall_time(cmd))
    med = {name: statistics.median(t) for name, t in times.items()}
    floors = {"import": med["import floor"], "typer": med["typer floor"]}
    print(f"start-up (median of {runs}, alternating; himcalc's bytecode compiled first)")
    print(f"  import floor: python -c 'import typer, pydantic, yaml'   "
          f"{floors['import'] * 1000:7.1f} ms")
    print(f"  typer floor:  bench/typer_floor.py compare -f json        "
          f"{floors['typer'] * 1000:7.1f} ms   {floors['typer'] / floors['import']:.2f}x import")
    for name in STARTUP_COMMANDS:
        which, target = TARGETS[name]
        print(f"  himcalc {name:20s}                      {med[name] * 1000:7.1f} ms   "
              f"{med[name] / floors['typer']:.2f}x typer  {med[name] / floors['import']:.2f}x "
              f"import  (target <= {target} x {which})")
    return med


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
    parser.add_argument("--only", choices=("startup", "throughput", "memory"),
                        help="run one part only")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "startup"):
            startup(runs=11 if args.quick else 21)
        if args.only in (None, "throughput"):
            throughput(10_000 if args.quick else 100_000, Path(tmp))
        if args.only in (None, "memory"):
            memory(50_000 if args.quick else 1_000_000, Path(tmp))


if __name__ == "__main__":
    main()
