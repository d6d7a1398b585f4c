"""Plain-text and Markdown tables: what a pipe or a file gets, with no colour and no boxes."""

from __future__ import annotations

from collections.abc import Sequence

from himcalc.render.columns import Column


def _cells(rows: Sequence[dict], columns: Sequence[Column]) -> list[list[str]]:
    return [[c.cell(r) for c in columns] for r in rows]


def plain_table(rows: Sequence[dict], columns: Sequence[Column], mark: set[int] | None = None
                ) -> str:
    """Aligned columns separated by two spaces; rows in `mark` get a `*` in front.

    >>> from himcalc.render.columns import Column
    >>> print(plain_table([{"a": "x", "b": 1}], [Column("a", "A", align="left"), Column("b", "B")]))
    A  B
    x  1
    """
    headers = [c.header for c in columns]
    body = _cells(rows, columns)
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(headers)]
    prefix = (lambda i: "* " if i in mark else "  ") if mark else (lambda i: "")

    def line(cells: Sequence[str], i: int | None = None) -> str:
        parts = [
            cell.ljust(w) if col.align == "left" else cell.rjust(w)
            for cell, w, col in zip(cells, widths, columns, strict=True)
        ]
        lead = prefix(i) if i is not None else ("  " if mark else "")
        return (lead + "  ".join(parts)).rstrip()

    out = [line(headers)]
    out += [line(r, i) for i, r in enumerate(body)]
    return "\n".join(out)


def markdown_table(rows: Sequence[dict], columns: Sequence[Column]) -> str:
    """A GitHub-flavoured Markdown table (pipes in cells escaped)."""
    def esc(s: str) -> str:
        return s.replace("|", "\\|")

    head = "| " + " | ".join(esc(c.header) for c in columns) + " |"
    rule = "|" + "|".join("---:" if c.align == "right" else ":---" for c in columns) + "|"
    body = ["| " + " | ".join(esc(x) for x in r) + " |" for r in _cells(rows, columns)]
    return "\n".join([head, rule, *body])
