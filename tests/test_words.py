def test_a_long_text_answers_is_this_word_used_in_lowercase_as_a_short_one(monkeypatch):
    import storymap.words as words_module

    text = ("Reading the post-reading notes in Bath, d'reading aside; the reading's end. Mobile "
            "readings, a reading-room, unreading; nice, NICE and Nice.")
    words = ["Reading", "Bath", "Mobile", "Nice", "Room", "Post", "End"]
    plain = [words_module.used_lowercase(text, w) for w in words]
    assert plain == [True, False, False, True, False, False, True]
    monkeypatch.setattr(words_module, "LONG_TEXT", 0)  # the indexed way, as for a long story
    assert [words_module.used_lowercase(text, w) for w in words] == plain


def test_to_before_a_name_is_a_destination_unless_it_cites_or_addresses_someone():
    from storymap.lexicon import load_lexicon
    from storymap.words import after_locative

    for text, expected in (("They drove to Lincoln", True), ("according to Lincoln", False),
                           ("She spoke to Lincoln", False), ("thanks to Lincoln", False), ("in Lincoln", True)):
        assert after_locative(text, text.index("Lincoln"), load_lexicon()) is expected, text
