from hub.charts import bar_chart


def test_bars_are_scaled_to_the_largest_value_and_keep_their_text():
    bars = bar_chart([("Sep", 400), ("Oct", 100), ("Nov", 0)], fmt=lambda v: f"{v}p")
    assert [(b.label, b.percent, b.text) for b in bars] == [
        ("Sep", 100.0, "400p"),
        ("Oct", 25.0, "100p"),
        ("Nov", 0.0, "0p"),
    ]


def test_an_empty_or_all_zero_chart_has_no_division_by_zero():
    assert bar_chart([]) == []
    assert bar_chart([("Sep", 0)])[0].percent == 0.0
