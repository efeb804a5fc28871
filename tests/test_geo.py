def test_the_quick_distance_test_agrees_with_the_great_circle():
    import random

    from storymap.geo import km, within
    from storymap.places import Place

    rng = random.Random(7)
    for _ in range(5000):
        lat, lon = rng.uniform(-70, 70), rng.uniform(-180, 180)
        other = Place("b", "b", "city", lat + rng.uniform(-4, 4), (lon + rng.uniform(-6, 6) + 180) % 360 - 180)
        here = Place("a", "a", "city", lat, lon)
        for limit in (40, 300):
            d = km(lat, lon, other.lat, other.lon)
            if abs(d - limit) > limit * 0.01:  # within 1% of the limit either answer is fair
                assert within(here, other, limit) == (d < limit), (here, other, limit, d)


def test_the_grid_finds_whatever_reaches_a_place_whatever_its_cell_size():
    import random

    from storymap.geo import Grid, km
    from storymap.places import Place

    rng = random.Random(11)
    for cell_deg, reach in ((1.0, 40), (300 / 111.2, 300)):
        grid, filed = Grid(cell_deg), []
        for i in range(400):  # clustered near the antimeridian and the poles, where cells wrap and narrow
            lat, lon = rng.choice((rng.uniform(-60, 60), rng.uniform(80, 89))), rng.uniform(170, 190)
            place = Place(str(i), "x", "city", lat, (lon + 180) % 360 - 180)
            grid.add(place, place, reach)
            filed.append(place)
        for _ in range(400):
            here = rng.choice(filed)
            probe = Place("p", "p", "city", min(89.9, here.lat + rng.uniform(-2, 2)),
                          (here.lon + rng.uniform(-3, 3) + 180) % 360 - 180)
            found = {p.id for p in grid.at(probe)}
            for p in filed:
                if km(p.lat, p.lon, probe.lat, probe.lon) < reach * 0.99:
                    assert p.id in found, (cell_deg, p, probe)


def test_km_is_geopys_great_circle():
    from geopy.distance import great_circle

    from storymap.geo import km

    for a, b in (((32.3, 69.57), (33.72, 73.04)), ((51.5, -0.12), (-33.87, 151.21)), ((0, 179.9), (0, -179.9))):
        assert abs(km(*a, *b) - great_circle(a, b).km) < 1e-6
