"""Fitting a table to a width: which columns are shown, how wide each is, and each cell's lines.

The rules (issue 16): a table never overflows the width it is given (the terminal's, or the
`COLUMNS` variable, 80 when neither is known) as long as its essential columns fit:

* columns are dropped by `Column.priority`, highest first (the rightmost on a tie), until the
  rest fit; priority 0 is never dropped; a dropped column with `under` set becomes a further
  line of that column's cells instead (stacked);
* a text column (`Column.wraps`) may wrap at spaces, a word longer than the column folds; any
  other cell (numbers, money, rates, years) is never broken: its column is as wide as its
  widest cell, and a header wider than that wraps at its spaces;
* `wide` shows every column at its natural width (the terminal may then wrap lines);
  `chosen` shows exactly those columns, in that order, wrapped to fit where they can.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

from himcalc.render.columns import Column

TYPE_CHECKING = False
if TYPE_CHECKING:  # type-only: report imports this module
    from himcalc.render.report import Report, View

GAP = 2
"""Spaces between two columns."""
MIN_WRAP = 12
"""A text column is not squeezed below this many cells (unless its text is narrower)."""
LONG_WORD = 24
"""A text column need not be as wide as a longer word (a URL): such words fold."""


def terminal_width() -> int:
    """The width to fit: `COLUMNS`, else the terminal's, else 80 (never below 40)."""
    return max(40, shutil.get_terminal_size((80, 24)).columns)


@dataclass
class Layout:
    """Columns to show with their widths, what was left out, and what was stacked where."""

    columns: list[Column]
    widths: list[int]
    hidden: list[Column] = field(default_factory=list)
    stacked: dict[str, list[Column]] = field(default_factory=dict)

    def cell(self, row: dict, column: Column) -> str:
        """A cell's text, with the stacked columns' values as further lines."""
        extra = [c.cell(row) for c in self.stacked.get(column.key, [])]
        return "\n".join([column.cell(row), *(e for e in extra if e not in ("", "—"))])

    def lines(self, row: dict) -> list[list[str]]:
        """Each shown cell of `row` as its wrapped lines."""
        return [wrap(self.cell(row, c), w) if c.wraps else self.cell(row, c).split("\n")
                for c, w in zip(self.columns, self.widths, strict=True)]

    def header_lines(self) -> list[list[str]]:
        return [wrap(c.header, w) for c, w in zip(self.columns, self.widths, strict=True)]


def wrap(text: str, width: int) -> list[str]:
    """`text` wrapped at spaces to `width` (longer words folded); its own newlines kept."""
    out: list[str] = []
    for line in text.split("\n"):
        out += textwrap.wrap(line, max(width, 1), break_long_words=True,
                             break_on_hyphens=False) or [""]
    return out


def _need(column: Column, texts: list[str]) -> tuple[int, int]:
    """(minimum, natural) width of a column holding `texts`."""
    lines = [line for t in texts for line in t.split("\n")]
    widest = max((len(line) for line in lines), default=0)
    header_word = max((len(w) for w in column.header.split()), default=0)
    natural = max(len(column.header), widest)
    if not column.wraps:
        return max(widest, header_word), natural
    word = max((len(w) for line in lines for w in line.split()), default=0)
    return min(natural, max(header_word, MIN_WRAP, min(word, LONG_WORD))), natural


def fit(rows: Sequence[dict], columns: Sequence[Column], width: int, *, lead: int = 0,
        wide: bool = False, chosen: Sequence[str] | None = None) -> Layout:
    """Choose the columns and widths of a table of `rows` to fit `width` (see module doc).

    `lead` is the width of a row prefix (the `* ` of a marked row).
    """
    if chosen is not None:
        by_key = {c.key: c for c in columns}
        shown = [by_key[k] for k in chosen if k in by_key]
    else:
        shown = list(columns)
    layout = Layout(columns=shown, widths=[])
    droppable = not wide and chosen is None

    def needs() -> list[tuple[int, int]]:
        return [_need(c, [layout.cell(r, c) for r in rows]) for c in layout.columns]

    if droppable and sum(nat for _, nat in needs()) + GAP * (len(shown) - 1) + lead > width:
        for column in [c for c in shown if c.under in {s.key for s in shown}]:
            layout.columns.remove(column)  # stacked first: nothing is lost
            layout.stacked.setdefault(column.under, []).append(column)  # type: ignore[arg-type]
    while True:
        sizes = needs()
        total = sum(lo for lo, _ in sizes) + GAP * (len(sizes) - 1) + lead
        victims = [c for c in layout.columns if c.priority > 0]
        if not droppable or total <= width or not victims:
            break
        top = max(c.priority for c in victims)
        victim = [c for c in victims if c.priority == top][-1]
        layout.columns.remove(victim)
        host = victim.under
        if host is not None and any(c.key == host for c in layout.columns):
            layout.stacked.setdefault(host, []).append(victim)
        else:
            layout.hidden.append(victim)
    if wide:
        layout.widths = [nat for _, nat in sizes]
        return layout
    widths = [lo for lo, _ in sizes]
    spare = width - sum(widths) - GAP * (len(widths) - 1) - lead
    deficit = sum(nat - lo for lo, nat in sizes)
    if spare > 0 and deficit > 0:  # shared in proportion to what each column lacks
        share = min(1.0, spare / deficit)
        for i, (lo, nat) in enumerate(sizes):
            widths[i] = lo + int((nat - lo) * share)
        spare = width - sum(widths) - GAP * (len(widths) - 1) - lead
        for i, (_, nat) in enumerate(sizes):  # what rounding left, left to right
            grow = min(spare, nat - widths[i])
            if grow > 0:
                widths[i] += grow
                spare -= grow
    layout.widths = widths
    return layout


def hidden_note(layout: Layout, width: int) -> str | None:
    """The note under a table that left columns out, naming them and how to see them."""
    if not layout.hidden:
        return None
    names = ", ".join(f"{c.header} ({c.key})" for c in layout.hidden)
    return (f"Not shown at {width} columns: {names}. --wide shows every column; "
            "--columns KEY,KEY,... picks them.")


def plain_lines(layout: Layout, rows: Sequence[dict], marked: set[int] | None = None
                ) -> list[str]:
    """The table as lines of plain text: headers, then rows; marked rows start with `* `."""
    lead = "  " if marked else ""

    def block(cells: list[list[str]], prefix: str, bottom: bool) -> list[str]:
        height = max((len(c) for c in cells), default=1)
        out = []
        for k in range(height):
            parts = []
            for lines, w, col in zip(cells, layout.widths, layout.columns, strict=True):
                pad = height - len(lines) if bottom else 0
                text = lines[k - pad] if 0 <= k - pad < len(lines) else ""
                parts.append(text.ljust(w) if col.align == "left" else text.rjust(w))
            out.append(((prefix if k == 0 else lead) + (" " * GAP).join(parts)).rstrip())
        return out

    out = block(layout.header_lines(), lead, bottom=True)
    for i, row in enumerate(rows):
        out += block(layout.lines(row), "* " if marked and i in marked else lead, bottom=False)
    return out


def fitted(part: Report, view: View, width: int) -> Layout:
    """The layout of one table of a report under `view` at `width`."""
    return fit(part.rows, part.columns, width, lead=2 if part.marked else 0,
               wide=view.wide, chosen=view.chosen(part))


def notes_of(part: Report, layout: Layout, width: int) -> list[str]:
    """A table's notes, and which columns it left out."""
    hidden = hidden_note(layout, width)
    return [*part.notes, *([hidden] if hidden else [])]
