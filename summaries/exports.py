"""Files for partners who offer technical assistance: CSV, XLSX and an SVG bar chart.

Pure functions: they take frozen data (an :class:`ExportTable`, a list of bars) and
return bytes or a string. They never touch HTTP or the database, so they are tested
without a request; selectors build the data, views only set headers.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from urllib.parse import quote

from django.utils.safestring import mark_safe
from django.utils.text import slugify

from sessions.text import clean_typed_text

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Spreadsheet programs run a cell that starts with one of these as a formula
# ("CSV injection"); delegations type free text such as "- train 40 volunteers".
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportTable:
    """One sheet: translated column headers and one tuple of plain values per row
    (``str``, ``int``, ``Decimal`` or ``None``)."""

    title: str
    headers: tuple
    rows: tuple


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def table_csv(table):
    """``table`` as CSV in UTF-8 with a byte order mark, so that Excel reads
    Vietnamese and Thai correctly. Text that would run as a formula gets a leading ``'``."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _column_width(values):
    longest = max((len(str(value)) for value in values if value is not None), default=0)
    return min(max(longest + 2, 8), 60)


def table_xlsx(table):
    """``table`` as an XLSX workbook: bold header row, frozen below the header,
    columns sized to their content. Text is always stored as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    # Sheet titles are limited to 31 characters and a few forbidden ones.
    sheet.title = "".join(c for c in table.title if c not in "[]:*?/\\")[:31] or "Sheet"
    bold = Font(bold=True)
    for column, header in enumerate(table.headers, start=1):
        cell = sheet.cell(row=1, column=column, value=str(header))
        cell.font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    for row_number, row in enumerate(table.rows, start=2):
        for column, value in enumerate(row, start=1):
            if isinstance(value, Decimal):
                value = float(value)
            elif isinstance(value, str):
                # Text is cleaned when typed; rows saved before that may still hold a
                # control character, which openpyxl refuses: one cell never fails a file.
                value = clean_typed_text(value)
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store "=..." as a formula
                if "\n" in value:
                    cell.alignment = wrap
    sheet.freeze_panes = "A2"
    for column, header in enumerate(table.headers, start=1):
        values = [header, *(row[column - 1] for row in table.rows)]
        sheet.column_dimensions[get_column_letter(column)].width = _column_width(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attachment_disposition(name, extension):
    """A ``Content-Disposition`` value that downloads as ``name.extension``: an ASCII
    file name for old clients, and the name as written (any script) in ``filename*``."""
    ascii_name = slugify(name) or "export"
    full_name = quote(f"{name}.{extension}", safe="")
    return f"attachment; filename=\"{ascii_name}.{extension}\"; filename*=UTF-8''{full_name}"


BAR_HEIGHT = 14
ROW_HEIGHT = 40
LABEL_MAX_CHARS = 70


def bar_chart_svg(*, title, bars, width=560):
    """A horizontal bar chart as an inline SVG string, one bar per ``(label, value)``.

    Each label sits on its own line above its bar, so long labels in any script need
    no text measuring. Labels and title are escaped here; the result is safe to
    insert into a page as is.
    """
    bars = list(bars)
    top = 8
    height = top + ROW_HEIGHT * max(len(bars), 1) + 4
    largest = max((value for _label, value in bars), default=0) or 1
    room = width - 48  # space left after the bar for its value
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{escape(str(title))}">',
        f"<title>{escape(str(title))}</title>",
    ]
    for index, (label, value) in enumerate(bars):
        label = str(label)
        shown = label if len(label) <= LABEL_MAX_CHARS else label[: LABEL_MAX_CHARS - 1] + "…"
        y = top + index * ROW_HEIGHT
        bar_width = round(room * value / largest) if value else 0
        parts.append(
            f'<g class="bar"><title>{escape(label)}: {value}</title>'
            f'<text x="0" y="{y + 12}" font-size="13" fill="#212529">{escape(shown)}</text>'
            f'<rect x="0" y="{y + 18}" width="{max(bar_width, 1)}" height="{BAR_HEIGHT}" '
            f'rx="2" fill="{"#0d6efd" if value else "#ced4da"}"></rect>'
            f'<text x="{bar_width + 6}" y="{y + 30}" font-size="12" fill="#495057">{value}</text>'
            "</g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text inside was escaped above
