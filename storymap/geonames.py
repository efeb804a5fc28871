"""GeoNames' own dump files, read: which file is which, what each line says, and fetching them.

GeoNames (https://www.geonames.org, CC BY 4.0) publishes tab-separated files, plain or zipped:

* the geoname table (``allCountries.zip``, ``PK.zip``, ``cities500.zip``): 19 columns, geonameid,
  name, asciiname, alternatenames, latitude, longitude, feature class, feature code, country code,
  cc2, admin1, admin2, admin3, admin4, population, elevation, dem, timezone, modification date;
* ``alternateNamesV2.zip`` (or a country's ``alternatenames/PK.zip``): alternateNameId, geonameid,
  isolanguage, alternate name, isPreferredName, isShortName, isColloquial, isHistoric, from, to
  (the older ``alternateNames`` has the first eight);
* ``admin1CodesASCII.txt`` and ``admin2Codes.txt``: ``CC.A1[.A2]``, name, asciiname, geonameid;
* ``countryInfo.txt``: ISO code, ..., country name, ... (19 columns, ``#`` comments).

A file is known by its first data line, not its name (a country's alternate names come as
``PK.txt`` too). Only what news names is kept (``FEATURES``); :mod:`storymap.imported` writes it
into the index. Nothing here touches the index.
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
import urllib.request
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator, NamedTuple
from urllib.parse import urlsplit

from storymap.places import CITY, LANDFORM, REGION, SITE, check_coordinates

GEONAME, ALTERNATE, ADMIN, COUNTRY_INFO = "geoname", "alternate names", "admin codes", "country info"
ATTRIBUTION = "GeoNames (CC BY 4.0)"

# Feature code -> (kind, precision in km, what it is). A populated place is a point; an area or a
# line (a district, a sea, a river, whose GeoNames point is often its mouth) is drawn as an
# approximate area of about its size. Codes not listed are left out: wells, springs, hills,
# farms, schools, roads, undersea features. Countries (PCL*) come from Natural Earth.
_AREA = {
    "ADM1": (REGION, 150, "first-order administrative division"), "ADM2": (REGION, 30, "second-order administrative division"),
    "ADM3": (REGION, 10, "third-order administrative division"), "ADM4": (REGION, 5, "fourth-order administrative division"),
    "ADM5": (REGION, 2, "fifth-order administrative division"), "ADMD": (REGION, 20, "administrative division"),
    "LTER": (REGION, 50, "leased area"), "PRSH": (REGION, 5, "parish"), "TERR": (REGION, 100, "territory"),
    "ZN": (REGION, 20, "zone"), "ZNB": (REGION, 20, "buffer zone"),
}
_AREA.update({f"{code}H": (kind, km, f"historical {label}") for code, (kind, km, label) in list(_AREA.items())
              if code.startswith("ADM")})
_WATER = {
    "OCN": 2000, "SEA": 300, "GULF": 150, "BAY": 20, "BAYS": 30, "STRT": 30, "SD": 20, "CHN": 10, "LGN": 5,
    "ESTY": 10, "FJD": 10, "STM": 50, "STMS": 50, "CNL": 20, "LK": 5, "LKS": 10, "RSV": 5, "GLCR": 5, "FLLS": 1,
}
_LAND = {
    "MTS": 100, "MT": 2, "PK": 1, "PKS": 5, "VLC": 3, "HLLS": 5, "HGTS": 10, "RDGE": 10, "VAL": 20, "VALS": 20,
    "PLAT": 50, "PLN": 50, "UPLD": 50, "BSN": 50, "DSRT": 300, "ERG": 100, "HMDA": 50, "DLTA": 50, "ISL": 5,
    "ISLS": 30, "ATOL": 5, "PEN": 30, "ISTH": 10, "CAPE": 1, "HDLD": 1, "PASS": 1, "CNYN": 10, "GRGE": 5,
    "CST": 20, "OAS": 5,
}
_LABELS = {
    "OCN": "ocean", "SEA": "sea", "GULF": "gulf", "BAY": "bay", "BAYS": "bays", "STRT": "strait", "SD": "sound",
    "CHN": "channel", "LGN": "lagoon", "ESTY": "estuary", "FJD": "fjord", "STM": "stream", "STMS": "streams",
    "CNL": "canal", "LK": "lake", "LKS": "lakes", "RSV": "reservoir", "GLCR": "glacier", "FLLS": "waterfall",
    "MTS": "mountains", "MT": "mountain", "PK": "peak", "PKS": "peaks", "VLC": "volcano", "HLLS": "hills",
    "HGTS": "heights", "RDGE": "ridge", "VAL": "valley", "VALS": "valleys", "PLAT": "plateau", "PLN": "plain",
    "UPLD": "upland", "BSN": "basin", "DSRT": "desert", "ERG": "sandy desert", "HMDA": "rock desert",
    "DLTA": "delta", "ISL": "island", "ISLS": "islands", "ATOL": "atoll", "PEN": "peninsula", "ISTH": "isthmus",
    "CAPE": "cape", "HDLD": "headland", "PASS": "pass", "CNYN": "canyon", "GRGE": "gorge", "CST": "coast",
    "OAS": "oasis",
}
_OTHER = {
    "CONT": (REGION, 3000, "continent"), "RGN": (REGION, 100, "region"), "RGNE": (REGION, 100, "economic region"),
    "RGNH": (REGION, 100, "historical region"), "AREA": (REGION, 20, "area"), "TRB": (REGION, 30, "tribal area"),
    "LCTY": (REGION, 2, "locality"), "PRK": (REGION, 10, "park"), "RES": (REGION, 10, "reserve"),
    "RESN": (REGION, 10, "nature reserve"), "RESF": (REGION, 10, "forest reserve"),
    "RESW": (REGION, 10, "wildlife reserve"), "OILF": (SITE, 10, "oilfield"), "MNA": (SITE, 5, "mining area"),
    "MILB": (SITE, 2, "military base"), "NVB": (SITE, 2, "naval base"), "PRT": (SITE, 2, "port"),
    "BTL": (SITE, 5, "battlefield"), "INDS": (SITE, 2, "industrial area"),
}
_SITES = {  # landmarks news names, as points
    "AIRP": "airport", "AIRB": "airbase", "MN": "mine", "MNAU": "gold mine", "MNCU": "copper mine",
    "MNFE": "iron mine", "MNC": "coal mine", "MNQR": "quarry", "DAM": "dam", "CSTL": "castle", "PAL": "palace",
    "MUS": "museum", "STDM": "stadium", "UNIV": "university", "MSQE": "mosque", "CTHD": "cathedral",
    "TMPL": "temple", "PYR": "pyramid", "PYRS": "pyramids", "RUIN": "ruin", "ANS": "ancient site",
    "HSTS": "historical site", "MNMT": "monument", "PRN": "prison", "CMPRF": "refugee camp", "CMP": "camp",
    "PS": "power station", "PSN": "nuclear power station", "BDG": "bridge", "HSP": "hospital",
    "RSTN": "railway station", "SQR": "square", "INSM": "military installation", "CTRS": "space centre",
}
FEATURES: dict[str, tuple[str, float, str]] = {
    **_AREA, **{c: (LANDFORM, float(km), _LABELS[c]) for c, km in {**_WATER, **_LAND}.items()},
    **_OTHER, **{c: (SITE, 0.0, label) for c, label in _SITES.items()},
}
_POPULATED = {"PPLX": "section of a populated place", "PPLQ": "abandoned populated place",
              "PPLH": "historical populated place", "PPLW": "destroyed populated place",
              "PPLC": "capital", "PPLA": "seat of a first-order division"}
# Alternate names that are not names: links, codes, postcodes, pronunciations, abbreviations.
_NOT_NAMES = {"link", "wkdt", "post", "iata", "icao", "faac", "tcid", "unlc", "abbr", "phon", "uicn", "lau"}


def feature(fclass: str, code: str) -> tuple[str, float, str] | None:
    """Storymap's kind, a precision radius (km) and a label for a GeoNames feature, or None to leave it out."""
    if fclass == "P":
        return CITY, 0.0, _POPULATED.get(code, "populated place")
    if fclass == "A" and code.startswith("PCL"):
        return None
    return FEATURES.get(code)


def label(code: str) -> str:
    """What a stored feature code is, in words ("STM" -> "stream")."""
    found = feature("P" if code.startswith("PPL") else "", code)
    return found[2] if found else code


class Geoname(NamedTuple):
    """One kept line of the geoname table, with the names it is known by (name, its rank: 1 its
    own, 0 another)."""

    geonameid: int
    name: str
    kind: str
    lat: float
    lon: float
    country: str
    admin1: str
    admin2: str
    population: int
    precision_km: float
    code: str
    names: tuple[tuple[str, int], ...]


def geoname(fields: list[str]) -> Geoname | None:
    """A line of the geoname table, or None when its feature is not kept."""
    kept = feature(fields[6], fields[7])
    if kept is None or not fields[1]:
        return None
    kind, precision, _ = kept
    lat, lon = float(fields[4]), float(fields[5])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # check_coordinates' rule, cheaper: asked 13 million times
        check_coordinates(lat, lon)
    names = [(fields[1], 1), (fields[2], 1)]
    names += [(a, 0) for a in fields[3].split(",") if usable(a)]
    return Geoname(int(fields[0]), fields[1], kind, lat, lon, fields[8], fields[10],
                   fields[11], int(fields[14] or 0), precision, fields[7], tuple(names))


def alternate(fields: list[str]) -> tuple[int, str, int] | None:
    """A line of alternateNames(V2): (geonameid, name, rank: 0, or -1 for a historic name), or
    None for a link, a code, a colloquial name or a name in another script."""
    if fields[2] in _NOT_NAMES or (len(fields) > 6 and fields[6] == "1") or not usable(fields[3]):
        return None
    return int(fields[1]), fields[3], -1 if len(fields) > 7 and fields[7] == "1" else 0


def usable(name: str) -> bool:
    """A name in Latin script that could be written in a story: no codes ("LHE"), no digits, no
    brackets; Cyrillic, Arabic or Han names never match an English text's words."""
    name = name.strip()
    if len(name) < 2 or (name.isupper() and len(name) <= 5):
        return False
    return _LATIN.fullmatch(name) is not None


# Latin letters (Basic Latin, Latin-1, Extended-A and -B, Extended Additional), with the spaces,
# hyphens, dots and apostrophes names are written with: one regular expression, as it is asked
# of every alternate name of the world.
_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_LATIN = re.compile(f"[{_LETTER}][{_LETTER} \\-'’‘.`ʻʿʾ]*")


def admin(fields: list[str]) -> tuple[str, str]:
    """A line of admin1CodesASCII / admin2Codes: ("PK.02", "Khyber Pakhtunkhwa")."""
    return fields[0], fields[1]


def country_info(fields: list[str]) -> tuple[str, str]:
    """A line of countryInfo: ("PK", "Pakistan")."""
    return fields[0], fields[4]


_ADMIN_CODE = re.compile(r"[A-Z]{2}\.[^.\t]+(\.[^.\t]+)?")


def sniff(line: str) -> str | None:
    """Which GeoNames file a first data line comes from, or None (a readme, a language list)."""
    fields = line.rstrip("\n").split("\t")
    if len(fields) == 19 and fields[0].isdigit():
        return GEONAME
    if len(fields) == 19 and re.fullmatch(r"[A-Z]{2}", fields[0]):
        return COUNTRY_INFO
    if len(fields) in (8, 10) and fields[0].isdigit() and fields[1].isdigit():
        return ALTERNATE
    if len(fields) == 4 and _ADMIN_CODE.fullmatch(fields[0]) and fields[3].isdigit():
        return ADMIN
    return None


class Member(NamedTuple):
    """A text file to read: the download itself, or one inside it when it is a zip."""

    name: str
    size: int  # bytes, uncompressed


@contextmanager
def opened(path: Path, member: Member) -> Iterator[IO[bytes]]:
    """A member as a stream of bytes: a zip's member is decompressed as it is read, never unpacked."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive, archive.open(member.name) as stream:
            yield stream
    else:
        with path.open("rb") as stream:
            yield stream


def members(path: Path) -> list[Member]:
    """The text files a download holds: a zip's ``.txt`` members, or the file itself."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return [Member(i.filename, i.file_size) for i in archive.infolist() if i.filename.endswith(".txt")]
    return [Member(path.name, path.stat().st_size)]


def data_lines(stream: IO[bytes]) -> Iterator[tuple[int, str]]:
    """Each line with the bytes read so far; comments (``#``) and blank lines come as ""."""
    done = 0
    for raw in stream:
        done += len(raw)
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        yield done, "" if not line or line.startswith("#") else line


def checksum(path: Path) -> str:
    """The file's SHA-256: the same dump, downloaded twice or renamed, is one import."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def download_path(url: str, folder: Path) -> Path:
    """Where ``fetch`` keeps a download: its file name, after a digest of the whole address."""
    return folder / f"{hashlib.sha256(url.encode()).hexdigest()[:12]}-{Path(urlsplit(url).path).name or 'download'}"


def fetch(url: str, folder: Path, show: bool = True, timeout: float = 60) -> Path:
    """Download ``url`` into ``folder`` (once: a finished download is reused). A broken download is
    resumed where it stopped when the server honours a Range request, else started again."""
    name = Path(urlsplit(url).path).name or "download"
    folder.mkdir(parents=True, exist_ok=True)
    target = download_path(url, folder)
    if target.exists():
        return target
    part = target.with_name(target.name + ".part")  # what is downloaded so far
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "storymap", **({"Range": f"bytes={have}-"} if have else {})})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        resumed = have and response.status == 206
        total = int(response.headers.get("Content-Length") or 0) + (have if resumed else 0)
        bar = Progress(f"Downloading {name}", total, show)
        done = have if resumed else 0
        with part.open("ab" if resumed else "wb") as out:
            while block := response.read(1 << 16):
                out.write(block)
                done += len(block)
                bar.update(done)
        bar.close()
    if total and part.stat().st_size != total:
        raise OSError(f"{url}: the download stopped at {part.stat().st_size:,} of {total:,} bytes; run again to resume")
    part.replace(target)
    return target


class Progress:
    """A progress bar on standard error: redrawn in place on a terminal, a line per tenth elsewhere."""

    def __init__(self, label: str, total: int, show: bool = True, stream: IO[str] | None = None):
        self.label, self.total, self.show = label, max(total, 0), show
        self.stream = stream or sys.stderr
        self.started = self.drawn = time.monotonic()
        self.tenth = -1
        self.rows = 0

    def update(self, done: int, rows: int | None = None) -> None:
        if rows is not None:
            self.rows = rows
        if not self.show:
            return
        now = time.monotonic()
        share = done / self.total if self.total else 0.0
        if self.stream.isatty():
            if now - self.drawn >= 0.2:
                self.drawn = now
                self.stream.write(f"\r{self._text(share, done, now)}")
                self.stream.flush()
        elif int(share * 10) > self.tenth:
            self.tenth = int(share * 10)
            self.stream.write(self._text(share, done, now) + "\n")

    def _text(self, share: float, done: int, now: float) -> str:
        width = 30
        bar = "#" * int(share * width) + "-" * (width - int(share * width))
        spent = now - self.started
        left = f", {spent / share - spent:.0f} s left" if 0 < share < 1 and spent > 1 else ""
        rows = f", {self.rows:,} rows" if self.rows else ""
        return f"{self.label} [{bar}] {share:4.0%} ({done / 1e6:,.1f} MB{rows}{left})"

    def close(self) -> None:
        if self.show:
            self.update(self.total or 1)
            if self.stream.isatty():
                self.stream.write(f"\r{self._text(1.0, self.total, time.monotonic())}\n")
