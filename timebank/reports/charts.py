"""Geometry for the report's charts; templates/reports/charts.html draws them as SVG.

No chart library and no JavaScript: each chart is a horizontal bar chart or a
grid, laid out here in a 360-unit-wide view box (a phone's width, so text stays
readable when the picture is scaled down) and drawn by a Jinja macro with a
title, a description and its data table. Series differ by pattern as well as
colour, and every bar carries its value in words, so nothing relies on colour.
A hidden (suppressed) value gets no bar, only the word "hidden".

Labels never run out of the view box: their width is estimated from their length
(`text_width`, a generous average advance per character, so long Welsh words fit too)
and a label that doesn't fit its room is wrapped onto more lines (`wrap`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 360
LABEL_HEIGHT = 17   # a row's label, above its bars
BAR_HEIGHT = 18
BAR_GAP = 4
ROW_GAP = 10
CHAR_WIDTH = 7.8    # a generous width of one character of 13-unit text
EM = CHAR_WIDTH / 13  # the same, as a share of the font size
LABEL_SIZE = 13
GRID_SIZE = 11      # labels and values of a grid
CORNER_SIZE = 10    # the grid's corner note
SHADES = 5          # grid cells: how many steps of shading


def text_width(text: str, size: float) -> float:
    """A generous estimate of how wide `text` is drawn at font size `size`."""
    return len(text) * size * EM


def wrap(text: str, size: float, room: float) -> list[str]:
    """`text` in lines no wider than `room`: broken between words, and inside a word only
    when the word alone is too wide."""
    per_line = max(1, int(room // (size * EM)))
    lines, line = [], ""
    for word in str(text).split():
        while len(word) > per_line:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:per_line])
            word = word[per_line:]
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= per_line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


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
    lines: list = field(default_factory=list)  # the label, wrapped to the chart's width


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
        row = Row(label=label, bars=[], y=y, lines=wrap(label, LABEL_SIZE, WIDTH))
        y += LABEL_HEIGHT * len(row.lines)
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
    row_lines: list = field(default_factory=list)   # each row label, wrapped
    col_lines: list = field(default_factory=list)   # each column label, wrapped
    corner_lines: list = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.header_height + self.cell_height * len(self.rows)


LINE = 13          # height of a line of grid text
MIN_LABEL_WIDTH = 96
MAX_LABEL_WIDTH = 150


def grid(rows, cols, values, corner="") -> Grid:
    """A matrix of shaded cells. `values[(i, j)]` is (value or None, text); `corner` is the
    note in the top left corner."""
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
    widest = max((text_width(w, GRID_SIZE) for r in rows for w in str(r).split()), default=0)
    label_width = min(MAX_LABEL_WIDTH, max(MIN_LABEL_WIDTH, widest + 6))
    cell_width = (WIDTH - label_width) / max(1, len(cols))
    row_lines = [wrap(r, GRID_SIZE, label_width - 6) for r in rows]
    col_lines = [wrap(c, GRID_SIZE, cell_width - 4) for c in cols]
    corner_lines = wrap(corner, CORNER_SIZE, WIDTH) if corner else []
    header = LINE * (len(corner_lines) + max((len(c) for c in col_lines), default=1)) + 10
    cell_height = max(44, LINE * max((len(r) for r in row_lines), default=1) + 18)
    return Grid(rows=list(rows), cols=list(cols), cells=cells, cell_width=cell_width,
                cell_height=cell_height, label_width=label_width, header_height=header,
                row_lines=row_lines, col_lines=col_lines, corner_lines=corner_lines)
