"""Chart geometry: bars in proportion, hidden values without bars, room left for the words."""

from timebank.reports import charts


def test_bars_are_in_proportion_and_leave_room_for_their_values():
    chart = charts.bar_chart([("Jan", [(10.0, "10 h", 0)]), ("Feb", [(5.0, "5 h", 0)]),
                              ("Mar", [(0.0, "0 min", 0)])])
    jan, feb, mar = (row.bars[0] for row in chart.rows)
    assert jan.width == 2 * feb.width
    assert mar.width == 0  # nothing to draw, the value is still written
    longest = max(len(t) for t in ("10 h", "5 h", "0 min"))
    assert jan.width + 8 + charts.CHAR_WIDTH * longest <= charts.WIDTH
    assert [row.y for row in chart.rows] == sorted(row.y for row in chart.rows)
    assert chart.height > chart.rows[-1].bars[0].y


def test_hidden_values_get_no_bar_and_a_fixed_scale_can_be_asked_for():
    chart = charts.bar_chart([("A", [(None, "hidden", 0)]), ("B", [(0.5, "50%", 0)])],
                             scale_max=1)
    hidden, half = chart.rows[0].bars[0], chart.rows[1].bars[0]
    assert hidden.hidden and hidden.width == 0
    room = charts.WIDTH - 8 - charts.CHAR_WIDTH * len("hidden")
    assert half.width == room / 2


def test_grid_shades_grow_with_the_value_and_hidden_cells_are_marked():
    grid = charts.grid(["a", "b"], ["x", "y"], {(0, 0): (100, "100 h"), (0, 1): (50, "50 h"),
                                                (1, 0): (None, "hidden"), (1, 1): (0, "0")})
    shades = {(c.row, c.col): c.shade for c in grid.cells}
    assert shades[(0, 0)] == charts.SHADES - 1
    assert 0 < shades[(0, 1)] < shades[(0, 0)]
    assert shades[(1, 0)] == -1 and shades[(1, 1)] == 0
    assert grid.label_width + 2 * grid.cell_width == charts.WIDTH
