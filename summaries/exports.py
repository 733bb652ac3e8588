"""Files for partners who offer technical assistance, and for organisers: CSV and XLSX
(with native bar charts). The charts on the pages are in ``summaries.charts``.

Pure functions: they take frozen data (an :class:`ExportTable`, an
:class:`ExportWorkbook`) and return bytes. They never
touch HTTP or the database, so they are tested without a request; selectors build
the data, views only set headers.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.utils.text import slugify

from common.text import clean_typed_text

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Spreadsheet programs run a cell that starts with one of these as a formula
# ("CSV injection"); delegations type free text such as "- train 40 volunteers".
# They skip leading spaces and line breaks first: " =1+1" and "\n@SUM(A1)" run too.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value):
    """Whether a spreadsheet program would run text ``value`` as a formula."""
    return value.startswith(FORMULA_PREFIXES) or value.lstrip().startswith(FORMULA_PREFIXES)


@dataclass(frozen=True)
class BarChart:
    """A native bar chart over its sheet's rows: the categories from column
    ``categories`` (from 1), one series per column of ``values`` (header as its name),
    side by side or ``stacked``."""

    title: str
    categories: int = 1
    values: tuple = (2,)
    stacked: bool = False  # the series stacked into one bar per category (shares)


@dataclass(frozen=True)
class ExportTable:
    """One sheet: translated column headers and one tuple of plain values per row
    (``str``, ``int``, ``Decimal``, a naive ``datetime`` in the workshop's time zone,
    or ``None``), and optionally a bar chart drawn next to the rows in XLSX."""

    title: str
    headers: tuple
    rows: tuple
    chart: BarChart | None = None


@dataclass(frozen=True)
class ExportWorkbook:
    """A download: ``table`` holds the rows (the CSV file is that table alone);
    ``sheets`` are summaries of them (counts, totals, with their charts) that only
    the XLSX file carries, after the rows."""

    table: ExportTable
    sheets: tuple = ()

    @property
    def title(self):
        return self.table.title


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def table_csv(table):
    """``table`` (or an :class:`ExportWorkbook`'s rows) as CSV in UTF-8 with a byte
    order mark, so that Excel reads Vietnamese and Thai correctly. Text that would
    run as a formula gets a leading ``'``."""
    if isinstance(table, ExportWorkbook):
        table = table.table
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _column_width(values):
    longest = max((len(str(value)) for value in values if value is not None), default=0)
    return min(max(longest + 2, 8), 60)


def _sheet_title(title, taken):
    # Sheet titles are limited to 31 characters, a few forbidden ones, and unique.
    base = "".join(c for c in str(title) if c not in "[]:*?/\\")[:31] or "Sheet"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _write_sheet(sheet, table):
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    for column, header in enumerate(table.headers, start=1):
        cell = sheet.cell(row=1, column=column, value=str(header))
        cell.font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    for row_number, row in enumerate(table.rows, start=2):
        for column, value in enumerate(row, start=1):
            number_format = None
            if isinstance(value, Decimal):
                value, number_format = float(value), "#,##0.00"
            elif isinstance(value, dt.datetime):
                number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, str):
                # Text is cleaned when typed; rows saved before that may still hold a
                # control character, which openpyxl refuses: one cell never fails a file.
                value = clean_typed_text(value)
            cell = sheet.cell(row=row_number, column=column, value=value)
            if number_format:
                cell.number_format = number_format
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store "=..." as a formula
                # and Excel would make it one again when the cell is edited.
                cell.quotePrefix = looks_like_formula(value)
                if "\n" in value:
                    cell.alignment = wrap
    sheet.freeze_panes = "A2"
    for column, header in enumerate(table.headers, start=1):
        values = [header, *(_csv_value(row[column - 1]) for row in table.rows)]
        sheet.column_dimensions[get_column_letter(column)].width = _column_width(values)


def _add_chart(sheet, table):
    """The table's bar chart, to the right of its rows; none for a table without rows
    (a chart over no cell is an invalid reference in Excel)."""
    from openpyxl.chart import BarChart as OpenpyxlBarChart
    from openpyxl.chart import Reference
    from openpyxl.utils import get_column_letter

    spec = table.chart
    if spec is None or not table.rows:
        return
    last_row = len(table.rows) + 1
    chart = OpenpyxlBarChart()
    chart.type = "bar"  # horizontal: long labels in any script stay readable
    chart.title = str(spec.title)
    chart.legend = None if len(spec.values) == 1 else chart.legend
    chart.height = max(7.5, 1.2 * len(table.rows))
    chart.width = 18
    for column in spec.values:
        chart.add_data(
            Reference(sheet, min_col=column, min_row=1, max_row=last_row), titles_from_data=True
        )
    chart.set_categories(Reference(sheet, min_col=spec.categories, min_row=2, max_row=last_row))
    chart.y_axis.majorGridlines = None
    if spec.stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    sheet.add_chart(chart, f"{get_column_letter(len(table.headers) + 2)}2")


def table_xlsx(table, sheets=()):
    """``table`` as an XLSX workbook, then each of ``sheets`` (or the rows and sheets
    of an :class:`ExportWorkbook`): bold header rows, frozen below the header,
    columns sized to their content, amounts as numbers, each table's bar chart next
    to it. Text is always stored as text, never as a formula."""
    from openpyxl import Workbook

    if isinstance(table, ExportWorkbook):
        table, sheets = table.table, (*table.sheets, *sheets)
    workbook = Workbook()
    taken = set()
    for index, each in enumerate((table, *sheets)):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = _sheet_title(each.title, taken)
        _write_sheet(sheet, each)
        _add_chart(sheet, each)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attachment_disposition(name, extension):
    """A ``Content-Disposition`` value that downloads as ``name.extension``: an ASCII
    file name for old clients, and the name as written (any script) in ``filename*``."""
    ascii_name = slugify(name) or "export"
    full_name = quote(f"{name}.{extension}", safe="")
    return f"attachment; filename=\"{ascii_name}.{extension}\"; filename*=UTF-8''{full_name}"
