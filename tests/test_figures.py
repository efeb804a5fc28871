import re

from storymap.articles import parse_story
from storymap.figures import comparison, extract_figures


def figures_of(text):
    story = parse_story(text)
    return extract_figures(story.text, story.sentences())


def test_sample_story_figures(sample_map):
    found = {(f.kind, f.value) for f in sample_map.figures}
    assert {("quantity", 22000), ("multiple", 10), ("fraction", 0.2), ("money", 8e12), ("percent", 90),
            ("year", 2021)} <= found
    copper = next(f for f in sample_map.figures if f.kind == "quantity" and f.value == 22000)
    assert copper.what == "copper" and copper.unit == "tons"
    assert copper.place_key == "muhammad-khel-copper-mine"
    assert "22,000 tons of copper" in copper.sentence.text
    share = next(f for f in sample_map.figures if f.kind == "percent")
    assert share.qualifier == "more than" and share.place_key == "china"


def test_comparison_derives_the_other_sites_potential(sample_map):
    bars = comparison(sample_map.figures)
    assert [b.value for b in bars] == [22000, 220000]
    assert bars[1].derived and bars[1].unit == "tons"


def test_dates_are_not_figures_but_years_are():
    figs = figures_of("On February 3, 2026 the mine reopened. Troops left in 2021.")
    assert [(f.kind, f.value) for f in figs] == [("year", 2021)]


def test_money_scales_and_currencies():
    figs = figures_of("The deal is worth €2.5 billion, up from $300 million.")
    assert [(f.value, f.unit) for f in figs] == [(2.5e9, "EUR"), (3e8, "USD")]


def test_model_numbers_are_not_figures():
    assert figures_of("They carried M-16 rifles and AK-47s.") == []


def test_the_comparison_is_drawn_as_escaped_bars_to_scale(sample_map):
    from storymap.figures import Bar, bars_html

    html = bars_html(comparison(sample_map.figures))
    widths = [float(w) for w in re.findall(r'class="sm-bar" style="height:14px;width:([\d.]+)%', html)]
    assert widths == [10.0, 100.0]  # 22,000 t against nearly ten times that
    assert "22,000 tons" in html and "220,000 tons" in html and html.count("(derived)") == 1
    evil = bars_html([Bar('<script>alert(1)</script>', 5.0, "<b>t</b>", False, None)])
    assert "<script>" not in evil and "&lt;script&gt;" in evil and "&lt;b&gt;t&lt;/b&gt;" in evil
