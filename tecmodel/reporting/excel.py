"""Excel workbooks: one sheet per table (openpyxl, the ``excel`` extra).

Row 1 holds the column names with their units, so ``pandas.read_excel(path, sheet)``
reads a sheet back as the table's frame. Floats keep 16 significant digits (openpyxl;
Excel itself holds 15); an
array (Monte-Carlo samples) is written as its mean (CSV keeps every sample).
"""

from __future__ import annotations

import re

import numpy as np

from .tables import Table, require

__all__ = ["write_excel"]


def _sheet_name(name: str, used: set) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "sheet"
    candidate, i = base, 2
    while candidate.lower() in used:
        suffix = f" ({i})"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


def _cell(value):
    if isinstance(value, str | bool):
        return value
    array = np.asarray(value)
    if array.dtype.kind in "fiu":
        number = float(np.mean(array)) if array.ndim else float(array)
        return number if np.isfinite(number) else None
    return str(value)


def write_excel(tables: dict[str, Table], path) -> None:
    """Write ``tables`` (sheet name → :class:`Table`) to ``path`` atomically."""
    openpyxl = require("openpyxl", "excel")
    from openpyxl.styles import Font

    from ..atomic import atomic_path

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    used: set = set()
    for name, table in tables.items():
        sheet = workbook.create_sheet(_sheet_name(name, used))
        sheet.append(list(table.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_cell(v) for v in row])
        for i, column in enumerate(table.columns, start=1):
            width = max([len(str(column))] + [len(str(_cell(r[i - 1]))) for r in table.rows])
            sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width = min(60, width + 2)
    with atomic_path(path) as temporary:
        workbook.save(temporary)
