"""Every word a chart draws stays inside its view box, in English and in Welsh.

The extent of each SVG text is computed from its position, anchor, font size and length
(charts.text_width: a generous width per character), so a label that would be clipped
fails here.
"""

import xml.etree.ElementTree as ET

import pytest
from flask import render_template_string
from flask_babel import force_locale

from timebank.reports import charts
from timebank.web.evaluate import reports as report_pages

SVG = "{http://www.w3.org/2000/svg}"
MACROS = ('{% from "reports/charts.html" import bar_chart, grid_chart %}'
          '{{ bar_chart("b", "t", "d", bars) }}{{ grid_chart("g", "t", "d", grid) }}')


def overflows(html):
    """Each text of each SVG in `html` that runs outside its view box, with its extent."""
    found = []
    root = ET.fromstring(f"<root>{html}</root>")
    for svg in root.iter(f"{SVG}svg"):
        _x, _y, width, height = (float(v) for v in svg.get("viewBox").split())
        for text in svg.iter(f"{SVG}text"):
            words = "".join(text.itertext())
            size = float(text.get("font-size"))
            drawn = charts.text_width(words, size)
            x, y = float(text.get("x")), float(text.get("y"))
            left = x - drawn / 2 if text.get("text-anchor") == "middle" else x
            if left < 0 or left + drawn > width or y > height or y - size < 0:
                found.append((words, round(left, 1), round(left + drawn, 1), y))
    return found


def labelled_charts():
    """Charts with every label the report draws, in the current language, and a long one."""
    groups = [str(label) for label in report_pages.GROUP_LABELS.values()]
    rows = [(f"{level} · {group}", [(5.0, "12 h 30 min", 0)])
            for level in report_pages.LEVEL_LABELS.values() for group in groups]
    rows += [(str(label), [(3.0, "3", 0)]) for label in report_pages.RATIO_LABELS.values()]
    rows += [(str(label), [(None, "hidden", 0)]) for label in report_pages.BALANCE_LABELS.values()]
    rows.append(("Cyd-gynhyrchu gwasanaethau iechyd a gofal cymdeithasol gyda "
                 "Gwasanaethau'rGymunedLeolAmlddiwylliannolYngNghymruAcYnLloegr",
                 [(1.0, "1 h", 0)]))
    values = {(i, j): (10.0 * (i + j), "1234 h") for i in range(3) for j in range(3)}
    grid = charts.grid(groups, groups, values, corner=str(report_pages._("gave ↓ · received →")))
    return charts.bar_chart(rows), grid


@pytest.mark.parametrize("language", ["en", "cy"])
def test_no_chart_label_runs_outside_its_view_box(app, language):
    with app.test_request_context(), force_locale(language):
        bars, grid = labelled_charts()
        html = render_template_string(MACROS, bars=bars, grid=grid)
    assert "Gweithwyr" in html or language == "en"
    assert overflows(html) == []
    assert all(charts.text_width(line, charts.GRID_SIZE) <= grid.label_width - 4
               for lines in grid.row_lines for line in lines)  # not under the cells
    assert all(charts.text_width(line, charts.GRID_SIZE) <= grid.cell_width
               for lines in grid.col_lines for line in lines)  # not over the next column


def test_the_check_catches_a_label_that_would_be_clipped(app):
    """The old layout drew a grid's row labels in a fixed 96-unit column: too narrow for
    "Gweithwyr proffesiynol", which ran under the cells; a single line of 13-unit text over
    50 characters ran off the right edge."""
    long = "Gweithwyr proffesiynol a dderbyniodd help gan ddinesydd yn y cyfnod"
    clipped = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 40">'
               f'<text x="0" y="13" font-size="13">{long}</text></svg>')
    assert overflows(clipped)
    chart = charts.bar_chart([(long, [(1.0, "1 h", 0)])])
    assert len(chart.rows[0].lines) > 1
    assert all(charts.text_width(line, charts.LABEL_SIZE) <= charts.WIDTH
               for line in chart.rows[0].lines)


def test_a_grid_widens_its_label_column_and_wraps_column_labels():
    grid = charts.grid(["Gweithwyr proffesiynol"], ["Gweithwyr proffesiynol", "Sefydliadau"],
                       {}, corner="rhoddodd ↓ · derbyniodd →")
    assert grid.label_width >= charts.text_width("proffesiynol", charts.GRID_SIZE)
    assert all(charts.text_width(line, charts.GRID_SIZE) <= grid.cell_width - 4
               for lines in grid.col_lines for line in lines)
    assert grid.header_height >= 13 * (1 + max(len(c) for c in grid.col_lines))


def test_wrap_breaks_between_words_and_only_splits_a_word_too_long_for_a_line():
    assert charts.wrap("one two three", 10, charts.text_width("one two", 10)) == [
        "one two", "three"]
    assert charts.wrap("abcdefghij", 10, charts.text_width("abcd", 10)) == ["abcd", "efgh", "ij"]
    assert charts.wrap("", 10, 100) == [""]
