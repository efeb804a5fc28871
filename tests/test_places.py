import math

import pytest

from storymap.places import Place, normalize


@pytest.mark.parametrize("lat,lon", [(91, 0), (0, 181), (math.nan, 0), (0, math.inf), ("12", 0)])
def test_impossible_coordinates_are_refused(lat, lon):
    with pytest.raises(ValueError):
        Place("x", "X", "city", lat, lon)


def test_normalize_folds_accents_case_dots_and_hyphens():
    assert normalize("Khyber-Pakhtunkhwa") == normalize("khyber pakhtunkhwa")
    assert normalize("U.S.") == "us"
    assert normalize("Wazīristān") == "waziristan"
