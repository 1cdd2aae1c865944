"""Outputs an analyst hands over: labels and colours for figures, tables (pandas, Excel),
the self-contained HTML report with its formula trace.

Modules load on first use; pandas and openpyxl are optional extras
(``pip install "tecmodel[pandas,excel]"``), imported only when a table is converted.
"""
