"""The SVG charts of the organisers' pages, read back as XML: named images, every
figure written as text, labels escaped, marks scaled, colours with enough contrast."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from summaries.charts import (
    PALETTE,
    StackedBar,
    StackedRow,
    TimelineMonth,
    bar_chart_svg,
    stacked_bars_svg,
    timeline_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(str(svg))


def texts(root):
    return [element.text for element in root.iter(f"{SVG}text")]


def widths(root):
    return [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]


def contrast(colour, other="#ffffff"):
    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(colour), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_bar_chart_svg_escapes_labels():
    svg = bar_chart_svg(title="A & B", bars=[('<b onclick="x">', 2)])
    assert ('<b onclick="x">' in svg, "&lt;b onclick=&quot;x&quot;&gt;" in svg) == (False, True)


def test_bar_chart_svg_scales_bars_to_largest():
    svg = bar_chart_svg(title="t", bars=[("a", 4), ("b", 2)], width=248)
    assert widths(parse(svg)) == [200, 100]


def test_bar_chart_svg_is_an_image_named_by_its_title():
    root = parse(bar_chart_svg(chart_id="q1", title="Options chosen", bars=[("a", 1)]))
    title = root.find(f"{SVG}title")
    assert (root.get("role"), root.get("aria-labelledby"), title.get("id"), title.text) == (
        "img",
        "q1-title",
        "q1-title",
        "Options chosen",
    )


def test_bar_chart_svg_names_its_description_too():
    root = parse(bar_chart_svg(chart_id="q1", title="t", description="12 answered", bars=[]))
    assert (root.get("aria-labelledby"), root.find(f"{SVG}desc").text) == (
        "q1-title q1-desc",
        "12 answered",
    )


def test_bar_chart_svg_writes_each_value_after_its_label():
    root = parse(bar_chart_svg(title="t", bars=[("สังคมสูงวัย", 3), ("Rác thải", 0)]))
    assert texts(root) == ["สังคมสูงวัย", "3", "Rác thải", "0"]


def test_bar_chart_svg_cuts_long_labels_but_keeps_them_whole_in_the_title():
    label = "x" * 100
    root = parse(bar_chart_svg(title="t", bars=[(label, 1)]))
    group = root.find(f"{SVG}g")
    assert (group.find(f"{SVG}text").text, group.find(f"{SVG}title").text) == (
        "x" * 69 + "…",
        f"{label}: 1",
    )


def test_bar_chart_svg_writes_numbers_in_the_page_language():
    with translation.override("fr"):
        root = parse(bar_chart_svg(title="t", bars=[("a", 1500)]))
    assert texts(root)[1] == "1\xa0500"


def test_svg_has_no_style_nor_script():
    svgs = [
        bar_chart_svg(title="t", bars=[("a", 1)]),
        stacked_bars_svg(
            chart_id="f", title="t", legend=["a"], rows=[StackedRow("r", (StackedBar("b", (5,)),))]
        ),
        timeline_svg(chart_id="m", title="t", months=[TimelineMonth(1, "M1", ("x",))]),
    ]
    assert [re.findall(r"style|script|on\w+=", str(svg)) for svg in svgs] == [[], [], []]


@pytest.mark.parametrize("colour", PALETTE)
def test_palette_contrasts_with_white_for_marks_and_figures(colour):
    # 3:1 is enough for a mark, 4.5:1 for the white figures written on it.
    assert contrast(colour) >= 4.5


def financing_svg(**kwargs):
    return stacked_bars_svg(
        chart_id="fin",
        title="Financing mix",
        legend=["Domestic budget", "Donors", "Out of pocket"],
        rows=[
            StackedRow(
                "Senegal",
                (
                    StackedBar("Today", (20, 70, 10), "Today: 100%"),
                    StackedBar("Target", (60, 30, None), "Target: 90%"),
                ),
            )
        ],
        **kwargs,
    )


def test_stacked_bars_draw_each_part_as_long_as_its_share():
    # The room for bars is 640 - 150 = 490 pixels for 100 %; a part keeps a 2-pixel gap.
    root = parse(financing_svg())
    parts = [
        float(rect.get("width"))
        for group in root.iter(f"{SVG}g")
        if group.get("class") == "stacked-bar"
        for rect in group.iter(f"{SVG}rect")
    ]
    assert parts == [96.0, 341.0, 47.0, 292.0, 145.0]


def test_stacked_bars_write_the_legend_figures_and_totals():
    root = parse(financing_svg())
    assert texts(root) == [
        "Domestic budget",
        "Donors",
        "Out of pocket",
        "Senegal",
        "20%",
        "70%",
        "10%",
        "Today: 100%",
        "60%",
        "30%",
        "Target: 90%",
    ]


def test_stacked_bars_name_each_part_in_its_title():
    root = parse(financing_svg())
    titles = [element.text for element in root.iter(f"{SVG}title")]
    assert titles[1:5] == ["Today", "Domestic budget: 20%", "Donors: 70%", "Out of pocket: 10%"]


def test_stacked_bars_leave_the_figure_out_of_a_part_too_narrow_for_it():
    root = parse(
        stacked_bars_svg(
            chart_id="f",
            title="t",
            legend=["a", "b"],
            rows=[StackedRow("r", (StackedBar("Today", (1, 99), "Today: 100%"),))],
        )
    )
    assert texts(root)[3:] == ["99%", "Today: 100%"]


def test_stacked_bars_scale_to_the_given_axis():
    root = parse(
        stacked_bars_svg(
            chart_id="f",
            title="t",
            legend=["a"],
            rows=[StackedRow("r", (StackedBar("Today", (50,)),))],
            scale=200,
        )
    )
    assert widths(root)[1:] == [120.5]


def test_stacked_bars_escape_labels():
    svg = stacked_bars_svg(
        chart_id="f",
        title="<t>",
        legend=["<a>"],
        rows=[StackedRow("<script>", (StackedBar("<b>", (5,)),))],
    )
    assert ("<script>" in svg, "&lt;script&gt;" in svg, "&lt;a&gt;" in svg) == (False, True, True)


def months():
    return [
        TimelineMonth(3, "M3", ("Senegal: budget line (Ministry)", "ชุมชน: ตลาดนัด")),
        TimelineMonth(12, "M12", ("Ghana: law voted",)),
        TimelineMonth(None, "No month", ("Kenya: consensus",)),
    ]


def test_timeline_counts_milestones_per_month_on_the_strip():
    root = parse(timeline_svg(chart_id="m", title="Milestones", months=months()))
    strip = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "timeline-strip")
    assert texts(strip) == [
        *("1", "2", "3", "2"),
        *(str(month) for month in range(4, 12)),
        *("12", "1"),
        *(str(month) for month in range(13, 25)),
    ]


def test_timeline_lists_every_milestone_under_its_month():
    root = parse(timeline_svg(chart_id="m", title="Milestones", months=months()))
    listed = [
        texts(group) for group in root.iter(f"{SVG}g") if group.get("class") == "timeline-month"
    ]
    assert listed == [
        ["M3", "Senegal: budget line (Ministry)", "ชุมชน: ตลาดนัด"],
        ["M12", "Ghana: law voted"],
        ["No month", "Kenya: consensus"],
    ]


def test_timeline_is_tall_enough_for_its_lines():
    root = parse(timeline_svg(chart_id="m", title="Milestones", months=months()))
    last_line = max(float(text.get("y")) for text in root.iter(f"{SVG}text"))
    assert last_line < float(root.get("height"))


def test_stacked_bars_write_shares_with_one_decimal():
    with translation.override("en"):
        svg = stacked_bars_svg(
            chart_id="f",
            title="t",
            legend=["a", "b"],
            rows=[StackedRow("r", (StackedBar("Today", (100 / 3, 200 / 3)),))],
        )
    root = parse(svg)
    assert texts(root)[3:5] == ["33.3%", "66.7%"]


def test_labels_keep_their_no_break_spaces():
    root = parse(bar_chart_svg(title="t", bars=[("Aujourd'hui\xa0: 100\xa0%", 1)]))
    assert texts(root)[0] == "Aujourd'hui\xa0: 100\xa0%"
