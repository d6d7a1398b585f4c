"""Plain-text and Markdown tables: what a pipe or a file gets, with no colour and no boxes."""

from __future__ import annotations

from collections.abc import Sequence

from himcalc.render.columns import Column
from himcalc.render.layout import fit, plain_lines


def plain_table(rows: Sequence[dict], columns: Sequence[Column], mark: set[int] | None = None,
                width: int | None = None) -> str:
    """Aligned columns separated by two spaces; rows in `mark` get a `*` in front.

    Without `width` every column is shown at its natural width; with it the table is fitted
    (`layout.fit`: secondary columns dropped, text wrapped, numbers never split).

    >>> from himcalc.render.columns import Column
    >>> print(plain_table([{"a": "x", "b": 1}], [Column("a", "A", align="left"), Column("b", "B")]))
    A  B
    x  1
    """
    layout = fit(rows, columns, width or 10**6, lead=2 if mark else 0, wide=width is None)
    return "\n".join(plain_lines(layout, rows, mark))


def _escape(s: str) -> str:
    """A cell for a Markdown table: pipes escaped, line breaks as `<br>`."""
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def markdown_table(rows: Sequence[dict], columns: Sequence[Column],
                   mark: set[int] | None = None) -> str:
    """A GitHub-flavoured Markdown table (pipes escaped, newlines as `<br>`); rows in `mark`
    in bold.

    >>> print(markdown_table([{"a": "x|y\\nz"}, {"a": "w"}], [Column("a", "A", align="left")],
    ...                      mark={1}))
    | A |
    |:---|
    | x\\|y<br>z |
    | **w** |
    """
    def cell(text: str, bold: bool) -> str:
        text = _escape(text)
        return f"**{text}**" if bold and text else text

    head = "| " + " | ".join(_escape(c.header) for c in columns) + " |"
    rule = "|" + "|".join("---:" if c.align == "right" else ":---" for c in columns) + "|"
    body = ["| " + " | ".join(cell(c.cell(r), i in (mark or ())) for c in columns) + " |"
            for i, r in enumerate(rows)]
    return "\n".join([head, rule, *body])
