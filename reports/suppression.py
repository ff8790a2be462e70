"""Small-number suppression: the one place a report's numbers become what a
reader may see. Pages, CSV and XLSX downloads and the API all show the
`Table` built here, never the raw counts.

The rule (docs/reports.md, "Privacy"):

- *Primary*: a count of people (kind "people") below 5, zero included, is
  hidden and reads "fewer than 5".
- *Secondary*: each column has one total (the Total row); there are no row
  totals, because the figures in a row measure different things. If exactly
  one cell of a column is hidden and the total is shown, the total minus the
  other cells would reveal it, so the next smallest shown cell of that column
  is hidden too; if there is no other cell to hide, the total is hidden.
- A rate (kind "rate") is hidden when its numerator or denominator is, since
  the rate and the other would give the hidden count back.
- Counts of things, not people (sessions, places offered), hours and money
  are not suppressed.
"""

from dataclasses import dataclass, field

THRESHOLD = 5
HIDDEN_TEXT = "fewer than 5"
NOT_APPLICABLE_TEXT = "not applicable"

PEOPLE, COUNT, RATE, HOURS, MONEY = "people", "count", "rate", "hours", "money"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str
    rate_of: tuple[str, str] | None = None  # (numerator key, denominator key)
    help: str = ""


@dataclass(frozen=True)
class Cell:
    value: int | float | None  # None when hidden or not applicable
    text: str
    hidden: bool = False
    applicable: bool = True


@dataclass
class Row:
    key: str
    label: str
    cells: dict[str, Cell] = field(default_factory=dict)
    details: tuple[str, ...] = ()  # text beside the label (a partner, a school)


@dataclass
class Table:
    columns: list[Column]
    rows: list[Row]
    total: Row

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def hidden_cells(
    values: list[int | None], total: int | None
) -> tuple[list[bool], bool]:
    """Which cells of one people column, and whether its total, are hidden.
    None is a cell that does not apply (it is neither shown nor hidden)."""
    hidden = [v is not None and v < THRESHOLD for v in values]
    total_hidden = total is not None and total < THRESHOLD
    if total is not None and not total_hidden and sum(hidden) == 1:
        shown = [
            (v, i) for i, v in enumerate(values) if v is not None and not hidden[i]
        ]
        if shown:
            hidden[min(shown)[1]] = True
        else:
            total_hidden = True
    return hidden, total_hidden


def build_table(
    columns: list[Column], rows: list[tuple[str, str, dict]], total: dict
) -> Table:
    """The table a reader sees, from raw rows (key, label, {column: value}) and
    the raw total. A value missing or None does not apply to that row."""
    out_rows = [Row(key, label) for key, label, _ in rows]
    out_total = Row("total", "Total")
    hidden: dict[str, tuple[list[bool], bool]] = {}
    for column in columns:
        if column.kind == RATE:
            continue
        values = [raw.get(column.key) for _, _, raw in rows]
        flags = (
            hidden_cells(values, total.get(column.key))
            if column.kind == PEOPLE
            else ([False] * len(values), False)
        )
        hidden[column.key] = flags
        for out, value, flag in zip(out_rows, values, flags[0], strict=True):
            out.cells[column.key] = _cell(column, value, flag)
        out_total.cells[column.key] = _cell(column, total.get(column.key), flags[1])
    for column in columns:
        if column.kind == RATE:
            for index, (out, raw) in enumerate(zip(out_rows, rows, strict=True)):
                out.cells[column.key] = _rate(column, raw[2], hidden, index)
            out_total.cells[column.key] = _rate(column, total, hidden, None)
    for out in [*out_rows, out_total]:  # in the columns' order
        out.cells = {column.key: out.cells[column.key] for column in columns}
    return Table(columns, out_rows, out_total)


def _cell(column: Column, value, hide: bool) -> Cell:
    if value is None:
        return Cell(None, NOT_APPLICABLE_TEXT, applicable=False)
    if hide:
        return Cell(None, HIDDEN_TEXT, hidden=True)
    return Cell(value, format_value(column.kind, value))


def _rate(column: Column, raw: dict, hidden: dict, index: int | None) -> Cell:
    num_key, den_key = column.rate_of
    num, den = raw.get(num_key), raw.get(den_key)
    if num is None or den is None:
        return Cell(None, NOT_APPLICABLE_TEXT, applicable=False)

    def is_hidden(key):
        rows, total = hidden[key]
        return total if index is None else rows[index]

    if is_hidden(num_key) or is_hidden(den_key):
        return Cell(None, HIDDEN_TEXT, hidden=True)
    if den == 0:
        return Cell(None, NOT_APPLICABLE_TEXT, applicable=False)
    percent = round(100 * num / den, 1)
    return Cell(percent, format_value(RATE, percent))


def format_value(kind: str, value) -> str:
    if kind == RATE:
        return f"{value:g}%"
    if kind == HOURS:  # value in minutes
        return f"{value / 60:,.1f}"
    if kind == MONEY:  # value in pence
        return f"£{value // 100:,}.{value % 100:02d}"
    return f"{value:,}"
