"""Break-even charts (terminal and file), the tornado bar, and the simulation progress bar.

* `draw_terminal`: the cumulative net position by year of each series, the zero line and each
  series' break-even point, drawn with plotille (braille dots, one colour per series on a
  colour terminal, one marker character per series otherwise);
* `write_chart_file`: the same chart as an .svg or .png file, drawn with matplotlib (the
  optional extra ``himcalc[chart]``), written atomically;
* `tornado_bar`: a plain-character bar for the sensitivity table;
* `progress`: a rich progress bar on stderr for long simulations.

Every plotting library is imported inside the function that needs it, so importing this
module costs nothing and `himcalc --help` stays fast.
"""

from __future__ import annotations

import io
import math
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from himcalc.errors import UsageError
from himcalc.render.columns import years
from himcalc.writing import write_atomic

MARKERS = ("●", "○", "■", "□", "▲", "△", "◆", "◇")
"""One marker per series when there is no colour to tell them apart."""
BREAK_EVEN = "◆"
COLORS = ("blue", "red", "green", "magenta", "cyan", "yellow", "white")
FILE_FORMATS = (".svg", ".png")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def short_money(value: float) -> str:
    """A compact money label for an axis: `$12k`, `-$1.2M`, `$0`.

    >>> short_money(12_345), short_money(-1_234_567), short_money(-1e-9), short_money(950)
    ('$12k', '-$1.2M', '$0', '$950')
    """
    v = abs(value)
    sign = "-" if value < 0 and v >= 0.5 else ""
    if v >= 999_500:
        return f"{sign}${v / 1e6:.1f}M"
    if v >= 1_000:
        return f"{sign}${v / 1e3:.0f}k"
    return f"{sign}${v:.0f}"


def _limits(series: Mapping[str, Sequence[float]], rows: int
            ) -> tuple[float, float, float, float]:
    """x and y limits: every year, every value and zero, with zero on a row boundary.

    plotille labels each of the `rows` rows with its lower edge, so zero gets a `$0` label.
    """
    n = max((len(v) for v in series.values()), default=1)
    values = [x for v in series.values() for x in v] + [0.0]
    lo, hi = min(values), max(values)
    step = (hi - lo) / max(rows - 1, 1) or 1.0
    y0 = -math.ceil(-lo / step - 1e-9) * step
    return 0.0, float(max(n, 1)), y0, y0 + rows * step


def _color_wanted() -> bool:
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()  # empty means unset


def draw_terminal(series: dict[str, list[float]], paybacks: dict[str, float | None],
                  width: int | None = None, height: int | None = None, *,
                  color: bool | None = None) -> str:
    """The break-even chart as text: cumulative net position (y) against years from the start.

    `series` maps a name to its cumulative net position at the end of each year (index 0 is
    the first year of study, so value k is drawn at time k + 1, from 0 at time 0); `paybacks`
    maps a name to its payback in years from the start of study, or None (never). Each
    break-even point is marked `◆` on the zero line and its year is given in the legend.
    `width` × `height` is the whole chart in terminal cells (default: the
    terminal's width and up to 24 rows, from `shutil.get_terminal_size`). `color` defaults to
    "stdout is a terminal and NO_COLOR is unset or empty" (plotille also drops colour off a terminal
    unless FORCE_COLOR is set); without colour each series gets its own marker character.
    """
    if not series:
        return "(nothing to chart)"
    cols, rows = shutil.get_terminal_size((80, 24))
    width = width or cols
    height = height or min(rows, 24)
    use_color = _color_wanted() if color is None else color
    # plotille sizes the canvas only; draw once, then shrink the canvas by what overflowed
    canvas = (max(10, width - 24), max(4, height - len(series) - 10))
    text = _plotille(series, paybacks, *canvas, use_color)
    lines = _ANSI.sub("", text).splitlines()
    over_w = max(len(line) for line in lines) - width
    over_h = len(lines) - height
    if over_w > 0 or over_h > 0:
        canvas = (max(10, canvas[0] - max(over_w, 0)), max(4, canvas[1] - max(over_h, 0)))
        text = _plotille(series, paybacks, *canvas, use_color)
    return text


def _plotille(series: Mapping[str, Sequence[float]], paybacks: Mapping[str, float | None],
              width: int, height: int, use_color: bool) -> str:
    import plotille

    fig = plotille.Figure()
    fig.width = width
    fig.height = height
    fig.with_colors = use_color
    fig.origin = False
    x0, x1, y0, y1 = _limits(series, height)
    fig.set_x_limits(min_=x0, max_=x1)
    fig.set_y_limits(min_=y0, max_=y1)
    fig.x_label = "years"
    fig.y_label = "net"
    fig.x_ticks_fkt = lambda lo, _hi: f"{lo:.0f}"
    fig.y_ticks_fkt = lambda lo, _hi: short_money(lo)
    fig.plot([x0, x1], [0.0, 0.0], lc="white", label="zero: costs paid back")
    hits_x, hits_y = [], []
    for i, (name, values) in enumerate(series.items()):
        payback = paybacks.get(name)
        label = f"{name} (break-even {years(payback)}{' y' if payback is not None else ''})"
        # cumulative[k] is the position at the end of year k, i.e. at time k + 1; 0 at time 0
        fig.plot(list(range(len(values) + 1)), [0.0, *values], lc=COLORS[i % len(COLORS)],
                 label=label, marker=None if use_color else MARKERS[i % len(MARKERS)])
        if payback is not None:
            hits_x.append(payback)
            hits_y.append(0.0)
    if hits_x:
        fig.scatter(hits_x, hits_y, lc="white", marker=BREAK_EVEN, label="break-even")
    return fig.show(legend=True)


def write_chart_file(path: Path, series: dict[str, list[float]],
                     paybacks: dict[str, float | None], title: str) -> None:
    """Write the break-even chart to `path` (.svg or .png), atomically.

    Raises UsageError for another suffix, or when matplotlib (``pip install 'himcalc[chart]'``)
    is not installed.
    """
    check_chart_file(path)
    suffix = path.suffix.lower()
    try:
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter
    except ImportError:
        raise UsageError(f"--chart-file needs matplotlib: {INSTALL_HINT}") from None

    fig = Figure(figsize=(9, 5), layout="constrained")
    ax = fig.add_subplot()
    ax.axhline(0.0, color="0.3", linewidth=1.0)
    for name, values in series.items():
        # cumulative[k] is the position at the end of year k, i.e. at time k + 1; 0 at time 0
        (line,) = ax.plot(range(len(values) + 1), [0.0, *values], label=name, linewidth=1.8)
        payback = paybacks.get(name)
        if payback is not None:
            ax.plot([payback], [0.0], marker="D", color=line.get_color(), markersize=6)
            ax.annotate(f"{payback:.1f} y", (payback, 0.0), textcoords="offset points",
                        xytext=(4, 6), fontsize=8, color=line.get_color())
    ax.set_title(title)
    ax.set_xlabel("Years from the start of study")
    ax.set_ylabel("Cumulative net position (real $)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: short_money(v)))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    buffer = io.BytesIO()
    metadata = {"Date": None} if suffix == ".svg" else None  # reproducible SVG
    fig.savefig(buffer, format=suffix[1:], dpi=120, metadata=metadata)
    write_atomic(path, buffer.getvalue())


INSTALL_HINT = ("pip install 'himcalc[chart]' (from a clone of the repository: "
                "pip install '.[chart]')")


def check_chart_file(path: Path) -> None:
    """Refuse, before anything is computed or printed, a chart file that cannot be written:
    a suffix other than .svg/.png, a folder that does not exist, or matplotlib missing."""
    if path.suffix.lower() not in FILE_FORMATS:
        raise UsageError(f"--chart-file {path}: a chart file must end in .svg or .png")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"--chart-file {path}: folder '{folder}' does not exist")
    if path.is_dir():
        raise UsageError(f"--chart-file {path}: is a folder")
    from himcalc.writing import check_writable

    check_writable(path)  # a device, a FIFO or a write-protected file: refused now
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        raise UsageError(f"--chart-file needs matplotlib: {INSTALL_HINT}")


def tornado_bar(low: float, high: float, scale: float, width: int = 12) -> str:
    """A centred bar of the two swings from the base: `░` for the low setting, `█` the high.

    `low` and `high` are changes from the base value; `scale` is the largest absolute change
    of any row (it spans `width` cells each side of the centre `|`).

    >>> tornado_bar(-50.0, 100.0, 100.0, width=4)
    '  ░░|████'
    >>> tornado_bar(0.0, 0.0, 0.0, width=2)
    '  |  '
    """
    left = [" "] * width
    right = [" "] * width
    for delta, char in ((low, "░"), (high, "█")):
        cells = round(abs(delta) / scale * width) if scale > 0 else 0
        side = left if delta < 0 else right
        for i in range(min(cells, width)):
            side[i] = char
    return "".join(reversed(left)) + "|" + "".join(right)


@contextmanager
def progress(total: int | None, description: str, delay: float = 1.0
             ) -> Iterator[Callable[[int], None]]:
    """Yield a callback taking the units done; shows a rich bar on stderr after `delay` seconds.

    Nothing is shown when stderr is not a terminal (a pipe, a file, a test runner), and a run
    finishing within `delay` seconds never flickers a bar. With `total` None (a stream of
    unknown length) the bar pulses and counts what is done.
    """
    if not _stderr_is_terminal():
        yield lambda _done: None
        return
    start = time.monotonic()
    state: dict = {}

    def update(done: int) -> None:
        if "bar" not in state:
            if time.monotonic() - start < delay:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn()]
            bar = Progress(*columns, console=Console(file=sys.stderr), transient=True)
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task(description, total=total)
        state["bar"].update(state["task"], completed=done)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
