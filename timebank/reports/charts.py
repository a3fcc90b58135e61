"""Geometry for the report's charts; templates/reports/charts.html draws them as SVG.

No chart library and no JavaScript: each chart is a horizontal bar chart or a
grid, laid out here in a 360-unit-wide view box (a phone's width, so text stays
readable when the picture is scaled down) and drawn by a Jinja macro with a
title, a description and its data table. Series differ by pattern as well as
colour, and every bar carries its value in words, so nothing relies on colour.
A hidden (suppressed) value gets no bar, only the word "hidden".
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 360
LABEL_HEIGHT = 17   # a row's label, above its bars
BAR_HEIGHT = 18
BAR_GAP = 4
ROW_GAP = 10
CHAR_WIDTH = 7.8    # a generous width of one character of 13-unit text
SHADES = 5          # grid cells: how many steps of shading


@dataclass
class Bar:
    value: float | None
    text: str
    series: int = 0
    y: float = 0
    width: float = 0

    @property
    def hidden(self) -> bool:
        return self.value is None


@dataclass
class Row:
    label: str
    bars: list
    y: float = 0


@dataclass
class BarChart:
    rows: list
    series: list = field(default_factory=list)  # labels of the series (for the key)
    height: float = 0
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def empty(self) -> bool:
        return not any(bar.value for row in self.rows for bar in row.bars)


def bar_chart(rows, series=(), *, scale_max=None) -> BarChart:
    """Lay out rows of bars. `rows` is [(label, [(value, text, series), …]), …]."""
    laid = []
    values = [v for _, bars in rows for v, _, _ in bars if v is not None]
    top = scale_max if scale_max is not None else max(values, default=0)
    longest = max((len(text) for _, bars in rows for _, text, _ in bars), default=0)
    room = WIDTH - 8 - CHAR_WIDTH * longest  # the longest bar still leaves room for any value
    y = 0.0
    for label, bars in rows:
        row = Row(label=label, bars=[], y=y)
        y += LABEL_HEIGHT
        for value, text, index in bars:
            width = 0.0 if not value or top <= 0 else max(1.0, room * float(value) / top)
            row.bars.append(Bar(value=value, text=text, series=index, y=y, width=width))
            y += BAR_HEIGHT + BAR_GAP
        y += ROW_GAP
        laid.append(row)
    return BarChart(rows=laid, series=list(series), height=max(y, 1.0))


@dataclass
class GridCell:
    row: int
    col: int
    value: float | None
    text: str
    shade: int  # 0 (none) to SHADES - 1; -1 when hidden


@dataclass
class Grid:
    rows: list       # labels down the side
    cols: list       # labels across the top
    cells: list
    cell_width: float
    cell_height: float = 44
    label_width: float = 96
    header_height: float = 36

    @property
    def height(self) -> float:
        return self.header_height + self.cell_height * len(self.rows)


def grid(rows, cols, values) -> Grid:
    """A matrix of shaded cells. `values[(i, j)]` is (value or None, text)."""
    known = [v for v, _ in values.values() if v is not None]
    top = max(known, default=0)
    cells = []
    for i in range(len(rows)):
        for j in range(len(cols)):
            value, text = values.get((i, j), (0, ""))
            if value is None:
                shade = -1
            elif not value or top <= 0:
                shade = 0
            else:
                shade = 1 + min(SHADES - 2, int((SHADES - 1) * float(value) / top - 1e-9))
            cells.append(GridCell(i, j, value, text, shade))
    label_width = 96
    return Grid(rows=list(rows), cols=list(cols), cells=cells,
                cell_width=(WIDTH - label_width) / max(1, len(cols)), label_width=label_width)
