"""A report table as the page shows it: one chart per figure, with that
figure's own table beside it (hub.charts; suppressed cells read "fewer than
5" and draw no bar)."""

from dataclasses import dataclass, replace

from hub.charts import Bar, bar_chart
from reports.suppression import Column, Table


@dataclass(frozen=True)
class FigureChart:
    column: Column
    bars: list[Bar]
    total_text: str


def figure_charts(table: Table) -> list[FigureChart]:
    """A chart for each figure that applies to the rows (the others only have
    a total, shown in the full table)."""
    charts = []
    for column in table.columns:
        cells = [(row.label, row.cells[column.key]) for row in table.rows]
        if not any(cell.applicable for _, cell in cells):
            continue
        bars = bar_chart(
            (label, round(cell.value) if cell.value is not None else 0)
            for label, cell in cells
        )
        bars = [
            replace(bar, text=cell.text)
            for bar, (_, cell) in zip(bars, cells, strict=True)
        ]
        charts.append(FigureChart(column, bars, table.total.cells[column.key].text))
    return charts
