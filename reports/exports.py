"""CSV and XLSX downloads of a report table: the same suppressed cells the
page shows ("fewer than 5" as text), never the raw counts."""

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook

from reports.suppression import HIDDEN_TEXT, HOURS, MONEY, Table

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def header(table: Table, first: str, details: tuple[str, ...] = ()) -> list[str]:
    return [first, *details, *(c.label for c in table.columns)]


def text_rows(table: Table, first: str, details: tuple[str, ...] = ()) -> list[list]:
    """The table as rows of text, a header first and the total last."""
    rows = [header(table, first, details)]
    for row in [*table.rows, table.total]:
        rows.append(
            [row.label, *row.details, *(row.cells[c.key].text for c in table.columns)]
        )
    return rows


def _safe(value: str) -> str:
    """A name that a spreadsheet would run as a formula is quoted."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def to_csv(table: Table, *, title: str, first: str, details=()) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(title)])
    writer.writerow([f'Counts below 5 are shown as "{HIDDEN_TEXT}".'])
    for row in text_rows(table, first, details):
        writer.writerow([_safe(str(value)) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8


def to_xlsx(table: Table, *, title: str, first: str, details=()) -> bytes:
    """One sheet: numbers as numbers, a hidden count as the text people read."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Report")
    sheet.append([title])
    sheet.append([f'Counts below 5 are shown as "{HIDDEN_TEXT}".'])
    sheet.append(header(table, first, details))
    for row in [*table.rows, table.total]:
        cells = [row.cells[c.key] for c in table.columns]
        sheet.append(
            [
                _safe(row.label),
                *(_safe(d) for d in row.details),
                *(
                    _number(col.kind, cell)
                    for col, cell in zip(table.columns, cells, strict=True)
                ),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(kind: str, cell):
    """A shown cell as a number in the unit people read (hours, pounds)."""
    if cell.value is None:
        return cell.text
    if kind == HOURS:
        return round(cell.value / 60, 1)
    if kind == MONEY:
        return cell.value / 100
    return cell.value


def attachment(name: str, content: bytes, fmt: str) -> HttpResponse:
    """A report file as a download (the page's and the API's)."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
