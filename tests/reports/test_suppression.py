"""Small-number suppression: primary (below 5) and secondary (a total must not
give a hidden cell back), rates, and what is never suppressed."""

from reports.suppression import (
    COUNT,
    HIDDEN_TEXT,
    MONEY,
    PEOPLE,
    RATE,
    Column,
    build_table,
    hidden_cells,
)

PEOPLE_COL = Column("n", "People", PEOPLE)


def _table(values, total, columns=(PEOPLE_COL,)):
    rows = [(str(i), f"Row {i}", v) for i, v in enumerate(values)]
    return build_table(list(columns), rows, total)


def test_counts_below_five_are_hidden_and_five_is_shown():
    hidden, total_hidden = hidden_cells([4, 5, 12, 0], 21)
    # 4 and 0 are hidden (primary): two cells, so no secondary is needed.
    assert hidden == [True, False, False, True]
    assert not total_hidden


def test_one_hidden_cell_hides_the_next_smallest_in_its_column():
    hidden, total_hidden = hidden_cells([3, 9, 6, 20], 38)
    assert hidden == [True, False, True, False]  # 6 is the next smallest
    assert not total_hidden


def test_one_hidden_cell_and_no_other_hides_the_total():
    assert hidden_cells([3, None], 8) == ([True, False], True)


def test_a_total_below_five_is_hidden():
    assert hidden_cells([2, 1], 3) == ([True, True], True)


def test_no_secondary_when_the_total_is_hidden_or_absent():
    assert hidden_cells([3, 40], None) == ([True, False], False)


def test_a_hidden_cell_cannot_be_worked_out_from_what_is_shown():
    """For every column: the total minus the shown cells never equals exactly
    one hidden cell's value (the subtraction attack)."""
    cases = [
        ([3, 9, 6, 20], 38),
        ([1, 50], 51),
        ([4, 4, 4, 30], 42),
        ([7, 2, 9], 18),
        ([0, 12, 5], 17),
    ]
    for values, total in cases:
        hidden, total_hidden = hidden_cells(values, total)
        if total_hidden:
            continue
        assert sum(hidden) != 1, (values, hidden)


def test_table_texts_and_rates():
    rate = Column("rate", "Rate", RATE, ("n", "d"))
    denominators = Column("d", "Places", PEOPLE)
    table = _table(
        [{"n": 3, "d": 10}, {"n": 8, "d": 10}, {"n": 10, "d": 20}],
        {"n": 21, "d": 40},
        columns=(PEOPLE_COL, denominators, rate),
    )
    texts = [[c.text for c in row.cells.values()] for row in table.rows]
    # 3 is hidden, 8 the next smallest too; their rates with them.
    assert texts[0] == [HIDDEN_TEXT, "10", HIDDEN_TEXT]
    assert texts[1] == [HIDDEN_TEXT, "10", HIDDEN_TEXT]
    assert texts[2] == ["10", "20", "50%"]
    assert [c.text for c in table.total.cells.values()] == ["21", "40", "52.5%"]
    assert all(c.value is None for c in table.rows[0].cells.values() if c.hidden)


def test_things_that_are_not_people_are_never_hidden():
    columns = (Column("s", "Sessions", COUNT), Column("m", "Value", MONEY))
    table = _table([{"s": 1, "m": 250}], {"s": 1, "m": 250}, columns=columns)
    assert [c.text for c in table.rows[0].cells.values()] == ["1", "£2.50"]


def test_a_figure_that_does_not_apply_is_neither_shown_nor_hidden():
    table = _table([{"n": None}], {"n": 12})
    cell = table.rows[0].cells["n"]
    assert (cell.applicable, cell.hidden, cell.text) == (False, False, "not applicable")
    assert table.total.cells["n"].text == "12"
