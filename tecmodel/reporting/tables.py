"""Tables with units in their column names: text, CSV at full precision, pandas, HTML.

A :class:`Table` is a title, column names (each with its unit in brackets) and rows of
plain values. ``to_frame()`` imports pandas only when called and says how to install it
when it is missing; CSV keeps every float at full (round-trip) precision.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import InputError

__all__ = ["Table", "TableText", "require"]


def require(module: str, extra: str):
    """Import optional ``module`` or raise an :class:`InputError` naming the extra."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise InputError(
            f"{module} is needed for this and is not installed; install it with "
            f'pip install "tecmodel[{extra}]" (or pip install {module})'
        ) from exc


def _cell_text(value) -> str:
    if isinstance(value, float | np.floating):
        value = float(value)
        if not np.isfinite(value):
            return "nan" if np.isnan(value) else ("inf" if value > 0 else "-inf")
        return repr(value)  # shortest string that reads back to the same float
    if isinstance(value, np.integer):
        return str(int(value))
    return str(value)


def _shown(value) -> str:
    if isinstance(value, float | np.floating):
        x = float(value)
        if not np.isfinite(x):
            return "–"
        if abs(x) >= 1e4:
            return f"{x:,.0f}"
        return f"{x:.4g}"
    return str(value)


@dataclass(frozen=True)
class Table:
    """A titled table: ``columns`` (names with units) and ``rows`` of plain values.

    Array values (Monte-Carlo samples) are shown by their mean in text and HTML; CSV
    and frames keep whatever the row holds.
    """

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence]

    def to_frame(self):
        """The table as a :class:`pandas.DataFrame` (needs the ``pandas`` extra)."""
        pandas = require("pandas", "pandas")
        frame = pandas.DataFrame([list(r) for r in self.rows], columns=list(self.columns))
        frame.attrs["title"] = self.title
        return frame

    def csv_text(self) -> str:
        """CSV: a header with units, then the rows at full precision."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self.rows:
            cells = []
            for value in row:
                array = np.asarray(value) if not isinstance(value, str) else None
                if array is not None and array.ndim > 0 and array.dtype.kind in "fiu":
                    cells.extend(_cell_text(x) for x in array.ravel())
                else:
                    cells.append(_cell_text(value))
            writer.writerow(cells)
        return buffer.getvalue()

    def to_csv(self, path) -> None:
        """Write :meth:`csv_text` atomically."""
        from ..atomic import write_atomic

        write_atomic(path, self.csv_text())

    def _display_rows(self) -> list[list[str]]:
        out = []
        for row in self.rows:
            cells = []
            for value in row:
                if not isinstance(value, str) and np.ndim(value) > 0:
                    value = float(np.mean(np.asarray(value, dtype=float)))
                cells.append(_shown(value))
            out.append(cells)
        return out

    def __str__(self) -> str:
        rows = self._display_rows()
        widths = [
            max([len(str(c))] + [len(r[i]) for r in rows]) for i, c in enumerate(self.columns)
        ]
        lines = [
            self.title,
            "  ".join(f"{c:<{w}}" for c, w in zip(self.columns, widths, strict=True)),
        ]
        for r in rows:
            lines.append(
                "  ".join(
                    f"{cell:<{w}}" if i == 0 else f"{cell:>{w}}"
                    for i, (cell, w) in enumerate(zip(r, widths, strict=True))
                )
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Table({self.title!r}, {len(self.rows)} rows × {len(self.columns)} columns)"

    def html(self, caption: bool = True) -> str:
        """An HTML ``<table>`` (numbers right-aligned)."""
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.columns)
        body = []
        for raw, shown in zip(self.rows, self._display_rows(), strict=True):
            cells = []
            for value, text in zip(raw, shown, strict=True):
                numeric = not isinstance(value, str) and np.asarray(value).dtype.kind in "fiu"
                css = ' class="num"' if numeric else ""
                cells.append(f"<td{css}>{html.escape(text)}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        title = f"<caption>{html.escape(self.title)}</caption>" if caption else ""
        return (
            f'<table class="tecmodel">{title}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>"
        )

    def _repr_html_(self) -> str:
        return self.html()


class TableText(str):
    """A text table (a ``str``, printable as before) that also knows its :class:`Table`:
    ``study.tornado().table().to_frame()``."""

    def __new__(cls, text: str, table: Table):
        obj = super().__new__(cls, text)
        obj._table = table
        return obj

    @property
    def table(self) -> Table:
        return self._table

    def to_frame(self):
        """The table as a pandas DataFrame (needs the ``pandas`` extra)."""
        return self._table.to_frame()

    def _repr_html_(self) -> str:
        return self._table.html()
