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


def test_dates_are_not_figures_but_years_are():
    figs = figures_of("On February 3, 2026 the mine reopened. Troops left in 2021.")
    assert [(f.kind, f.value) for f in figs] == [("year", 2021)]


def test_money_scales_and_currencies():
    figs = figures_of("The deal is worth €2.5 billion, up from $300 million.")
    assert [(f.value, f.unit) for f in figs] == [(2.5e9, "EUR"), (3e8, "USD")]


def test_model_numbers_are_not_figures():
    assert figures_of("They carried M-16 rifles and AK-47s.") == []


def test_the_comparison_is_drawn_as_escaped_bars_to_scale():
    from storymap.figures import Bar, bars_html

    figs = figures_of("The old pit yielded 5,000 tons of copper. The new one mined 20,000 tons of copper in 2024.")
    html = bars_html(comparison(figs))
    widths = [float(w) for w in re.findall(r'class="sm-bar" style="width:([\d.]+)%', html)]
    assert widths == [25.0, 100.0]
    assert "5,000 tons" in html and "20,000 tons" in html and "derived" not in html
    evil = bars_html([Bar('<script>alert(1)</script>', 5.0, "<b>t</b>", None)])
    assert "<script>" not in evil and "&lt;script&gt;" in evil and "&lt;b&gt;t&lt;/b&gt;" in evil


# What readers see on a figure's card: its caption (``meaning``) and its headline (``display``).

SAMPLE_CARDS = [
    ("Copper mined last year", "22,000 tons of copper"),
    ("Distance from Miranshah", "some 35 km"),
    ("A second deposit close by", "nearly ten times as much copper"),
    ("Share of the annual copper consumption of the United States", "about a fifth"),
    ("Value of the country's copper, lithium, cobalt, gold and antimony", "as much as $8 trillion"),
    ("Share of the world's rare earth elements", "more than 90%"),
    ("Year", "2021"),
]


def test_sample_story_captions_read_as_english_in_the_articles_words(sample_map):
    assert [(f.meaning, f.display) for f in sample_map.figures] == SAMPLE_CARDS


def test_captions_keep_proper_nouns_and_start_with_a_capital(sample_map):
    for fig in sample_map.figures:
        assert fig.meaning[:1].isupper(), fig.meaning
        # the article's own capitalisation, word for word: nothing lower-cased or capitalised by us
        words = fig.meaning.split()
        assert all(w in fig.sentence.text or w[:1].lower() + w[1:] in fig.sentence.text for w in words[1:]), fig.meaning
    fraction = next(f for f in sample_map.figures if f.kind == "fraction")
    assert "consumption of the United States" in fraction.meaning


def test_a_card_never_repeats_a_unit_or_what_it_counts(sample_map):
    for fig in sample_map.figures:
        card = f"{fig.meaning} {fig.display}".lower()
        assert card.count("tons") <= 1 and card.count(" km") <= 1 and card.count("times") <= 1, card
        if fig.kind in ("quantity", "multiple", "fraction") and fig.unit not in ("×", "share"):
            assert fig.unit not in fig.meaning.lower().split(), fig.meaning
    tour_line = " ".join(f"{f.display} {f.meaning}" for f in sample_map.figures if f.kind == "quantity")
    assert "tons of copper tons of copper" not in tour_line.lower()


def test_captions_of_synthetic_sentences():
    figs = figures_of("The camp is 12 miles north of Peshawar. Workers sold 300 tons of chromite last year. "
                      "The state spent $5 million in 2019. About 40% of the Indus Basin lies in Pakistan. "
                      "The dam holds 3 million barrels. The new field is three times larger.")
    assert [f.meaning for f in figs] == [
        "Distance north of Peshawar", "Chromite sold last year", "Money spent in 2019", "Year",
        "Share of the Indus Basin", "Volume", "The new field"]


def test_derived_values_are_never_charted(sample_map):
    # "nearly ten times as much copper" is the second deposit's, not ten times last year's output:
    # the article states no tonnage for the deposit, so none is drawn. One stated tonnage: no chart.
    assert comparison(sample_map.figures) == []
    figs = figures_of("The mine produced 500 tons of gold. A nearby seam holds twice as much, perhaps 3 times as much gold.")
    assert comparison(figs) == []
    assert not hasattr(__import__("storymap.figures").figures.Bar, "derived")


def test_the_comparison_keeps_to_stated_figures_of_one_unit():
    figs = figures_of("The mine is 40 km from the border. It dug 900 tons of tin, then 1,200 tons of tin, "
                      "five times as much as before.")
    bars = comparison(figs)
    assert [(b.value, b.unit) for b in bars] == [(900, "tons"), (1200, "tons")]
    assert all(b.figure.kind == "quantity" for b in bars)


def mentions_of(text, *names):
    """Place mentions (start, end, key, specificity) for each (name, specificity)."""
    return [(m.start(), m.end(), name.lower().replace(" ", "-"), rank)
            for name, rank in names for m in re.finditer(re.escape(name), text)]


def tied(text, *names):
    story = parse_story(text)
    return [(f.display, f.place_key) for f in
            extract_figures(story.text, story.sentences(), mentions_of(story.text, *names))]


def test_sample_story_figures_are_tied_only_where_the_text_ties_them(sample_map):
    places = {f.display: f.place_key for f in sample_map.figures}
    assert places["22,000 tons of copper"] == "muhammad-khel-copper-mine"  # "... at the Muhammad Khel copper mine"
    assert places["some 35 km"] == "miran-shah"  # "35 km from Miranshah"
    assert places["nearly ten times as much copper"] == ""  # the second deposit's; the US is in the next clause
    assert places["about a fifth"] == "united-states"  # "a fifth of ... consumption of the United States"
    assert places["as much as $8 trillion"] == ""  # "In Islamabad, ..." only says where it was valued
    assert places["more than 90%"] == "china"  # "China refines more than 90%"
    assert places["2021"] == "afghanistan"  # "left Afghanistan in 2021"
    copper = sample_map.figures[0]
    assert copper.place_name == "Muhammad Khel"


def test_the_clause_not_the_nearest_name_ties_a_figure():
    # the subject, not a more specific city named in another clause
    assert tied("China exported 300 tons of copper, officials in Lahore said.", ("China", 0), ("Lahore", 3)) == [
        ("300 tons of copper", "china")]
    # a scene-setting opening is not what the figure measures
    assert tied("In Lahore, officials valued the mine at $5 million.", ("Lahore", 3)) == [("$5 million", "")]
    # a place introduced by at/in/near after the figure wins over the clause's subject
    assert tied("Iran mined 40 tons of gold near Zahedan last year.", ("Iran", 0), ("Zahedan", 3)) == [
        ("40 tons of gold", "zahedan")]
    # a nearer name in a relative clause is not the figure's
    assert tied("The plant near Multan burns 2,000 tons of coal, which Quetta supplies.",
                ("Multan", 3), ("Quetta", 3)) == [("2,000 tons of coal", "multan")]
    # no place in the clause: no place at all
    assert tied("Kabul fell quickly, and some 300 families fled.", ("Kabul", 3)) == [("some 300 families", "")]
