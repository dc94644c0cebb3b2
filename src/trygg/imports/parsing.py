"""Reading partners' incident files (CSV and Excel) into rows; pure, no database.

Files come from offices, not from systems: Excel-saved CSV in Windows-1252 with semicolons,
a title row above the header, blank and total rows, Swedish dates ("5 mars 2024 kl
21.30"), decimal commas and SWEREF 99 TM coordinates. Everything here turns such a file
into a :class:`Table` (header + cells with the row numbers the user sees in the
spreadsheet) and then, with a column mapping, into plain incident rows for
``trygg.incidents.bulk.import_incidents``. Every problem is a :class:`RowProblem` (or a
:class:`FileProblem` for a file that cannot be read at all) in plain Swedish.

Messages use Django's ``gettext`` (settings must be configured), but nothing here touches
the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from django.utils.translation import gettext as _

MAX_ROWS = 200_000
HEADER_SEARCH_ROWS = 20

# --- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    """One problem in one row: ``row_number`` as the user sees it in the spreadsheet
    (1-based, header rows included; 0 for the file as a whole), the column's heading."""

    row_number: int
    column: str
    message: str

    def as_dict(self):
        return {"row": self.row_number, "column": self.column, "message": self.message}


class FileProblem(Exception):
    """A file that cannot be read at all; ``message`` is one Swedish sentence."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    headers: list[str]
    header_row: int  # 1-based row number of the header
    rows: list[tuple[int, list]]  # (row number, cells), blank and total rows left out
    kind: str = "csv"  # "csv" or "excel"
    encoding: str = ""
    delimiter: str = ""
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why) total rows etc.

    def as_json(self):
        return {
            "headers": self.headers,
            "header_row": self.header_row,
            "rows": [[n, [_json_cell(c) for c in cells]] for n, cells in self.rows],
            "kind": self.kind,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "skipped": [list(s) for s in self.skipped],
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            headers=list(data["headers"]),
            header_row=data["header_row"],
            rows=[(n, cells) for n, cells in data["rows"]],
            kind=data.get("kind", "csv"),
            encoding=data.get("encoding", ""),
            delimiter=data.get("delimiter", ""),
            skipped=[tuple(s) for s in data.get("skipped", [])],
        )


def _json_cell(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return value


# --- the columns we know ---------------------------------------------------------------

# field -> headings (compared casefolded, without punctuation) that mean it.
FIELD_SYNONYMS = {
    "external_id": [
        "id",
        "externt id",
        "ärendenummer",
        "ärende",
        "ärendenr",
        "löpnummer",
        "nr",
        "nummer",
        "händelsenummer",
        "rapportnummer",
        "referens",
    ],
    "datetime": ["tidpunkt", "datum och tid", "datum tid", "datum/tid", "inträffade"],
    "date": ["datum", "händelsedatum", "dag", "date"],
    "time": ["tid", "klockslag", "kl", "klockan", "time"],
    "time_bucket": ["tid på dygnet", "del av dygnet", "tidsintervall"],
    "category": ["typ", "händelsetyp", "kategori", "händelse", "typ av händelse", "category"],
    "area": [
        "område",
        "adress/område",
        "adress område",
        "plats",
        "adress",
        "område/plats",
        "stadsdel",
        "regso",
        "ort",
    ],
    "description": [
        "beskrivning",
        "kommentar",
        "text",
        "händelsebeskrivning",
        "notering",
        "anteckning",
        "fritext",
    ],
    "x": ["x", "longitud", "lon", "lng", "e", "easting", "östlig", "x koordinat", "x-koordinat"],
    "y": ["y", "latitud", "lat", "n", "northing", "nordlig", "y koordinat", "y-koordinat"],
    "place_type": ["platstyp", "typ av plats"],
    "age_group": ["åldersgrupp", "ålder", "ålderskategori"],
    "people_count": ["antal", "antal personer", "antal inblandade", "personer"],
    "police_notified": [
        "polis underrättad",
        "polisen underrättad",
        "polisanmält",
        "polisanmälan",
        "polis",
    ],
    "label": ["delning", "tlp", "sekretess"],
}
FIELDS = list(FIELD_SYNONYMS)


_SPACES = re.compile(r"[\s_]+")


def normalise_heading(text):
    text = str(text or "")
    if not text.isascii():  # NFC leaves ASCII text as it is
        text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text.casefold().strip())
    return text.strip(" .:*")


_HEADING_TO_FIELD = {
    normalise_heading(s): f for f, synonyms in FIELD_SYNONYMS.items() for s in synonyms
}


def guess_field(heading):
    """The field a column heading most likely means, or None."""
    return _HEADING_TO_FIELD.get(normalise_heading(heading))


def guess_mapping(headers):
    """{field: heading} for the headings we recognise (first heading wins)."""
    mapping = {}
    for heading in headers:
        f = guess_field(heading)
        if f and f not in mapping:
            mapping[f] = heading
    return mapping


# --- reading files ---------------------------------------------------------------------

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_table(data: bytes, filename: str = "") -> Table:
    """Read a CSV or Excel file (given as bytes) into a Table; FileProblem if impossible."""
    if not data or not data.strip():
        raise FileProblem(_("Filen är tom."))
    name = (filename or "").casefold()
    if data.startswith(_ZIP) or data.startswith(_OLE):
        rows, kind, encoding, delimiter = _read_excel(data, name), "excel", "", ""
    elif data.startswith(b"%PDF"):
        raise FileProblem(_("Filen är en PDF. Spara uppgifterna som CSV eller Excel (.xlsx)."))
    elif name.endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        raise FileProblem(
            _("Filen heter %(name)s men är ingen Excel-fil; den kan vara skadad.")
            % {"name": filename}
        )
    else:
        text, encoding = decode(data)
        delimiter = detect_delimiter(text)
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
        kind = "csv"
    return _build_table(rows, kind, encoding, delimiter)


def decode(data: bytes):
    """(text, encoding): a BOM decides; otherwise strict UTF-8, then Windows-1252.

    charset-normalizer is not used: it takes short Swedish cp1252 text for cp852/cp1250
    (TOOLCHAIN.md), and office files are, in practice, one of these three."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise FileProblem(_("Filens teckenkodning går inte att läsa.")) from None
    if b"\x00" in data[:4096]:
        raise FileProblem(
            _("Filen är ingen textfil (CSV) och ingen Excel-fil. Kontrollera att du valt rätt fil.")
        )
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            raise FileProblem(
                _(
                    "Filens teckenkodning känns inte igen. Spara filen som CSV (UTF-8) eller "
                    "som Excel-fil och försök igen."
                )
            ) from None
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > 4:
        raise FileProblem(
            _("Filen är ingen textfil (CSV) och ingen Excel-fil. Kontrollera att du valt rätt fil.")
        )
    return text, encoding


def detect_delimiter(text):
    """Semicolon, comma or tab: the one that splits the first lines most consistently."""
    lines = [line for line in text.splitlines()[:40] if line.strip()]
    best, best_score = ";", (-1, -1)
    for delimiter in (";", "\t", ","):
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        wide = [c for c in counts if c > 1]
        if not wide:
            continue
        mode = max(set(wide), key=wide.count)
        score = (wide.count(mode), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_excel(data, name):
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several error types for broken files
        if "password" in str(exc).casefold() or "encrypt" in str(exc).casefold():
            raise FileProblem(
                _("Excel-filen är lösenordsskyddad. Ta bort skyddet och försök igen.")
            ) from None
        if name.endswith(".csv"):
            raise FileProblem(
                _(
                    "Filen heter .csv men är en skadad Excel- eller zip-fil. Spara den på nytt "
                    "som CSV eller Excel (.xlsx)."
                )
            ) from None
        raise FileProblem(
            _(
                "Excel-filen går inte att läsa; den kan vara skadad. Spara den på nytt och försök igen."
            )
        ) from None
    if not workbook.sheet_names:
        raise FileProblem(_("Excel-filen har inga blad."))
    for sheet_name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        if any(_cell_text(c) for r in rows for c in r):
            return [list(r) for r in rows]
    raise FileProblem(_("Excel-filen är tom."))


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return str(value)


_TOTAL_WORDS = ("summa", "totalt", "total", "totalsumma", "summering")
_TOTAL_PREFIXES = tuple(w + " " for w in _TOTAL_WORDS)


def _is_total_row(cells):
    for cell in cells[:4]:
        if isinstance(cell, str) and cell:
            word = normalise_heading(cell)
            if word in _TOTAL_WORDS or word.startswith(_TOTAL_PREFIXES):
                return True
    return False


def _looks_like_header(cells):
    texts = [c for c in cells if _cell_text(c)]
    if len(texts) < 2:
        return False
    known = sum(1 for c in texts if isinstance(c, str) and guess_field(c))
    textual = sum(1 for c in texts if isinstance(c, str) and not _NUMBERISH.match(c.strip()))
    return known >= 2 and textual * 2 >= len(texts)


_NUMBERISH = re.compile(r"^[-+]?[\d\s.,:/]+$")


def _build_table(rows, kind, encoding, delimiter):
    if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise FileProblem(
            _("Filen har fler än %(n)s rader; dela upp den i flera filer.") % {"n": MAX_ROWS}
        )
    header_index = None
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if _looks_like_header(cells):
            header_index = i
            break
    if header_index is None:
        if kind == "csv" and all(len(r) <= 1 for r in rows):
            raise FileProblem(
                _(
                    "Filen har bara en kolumn. Kontrollera att kolumnerna skiljs åt med "
                    "semikolon, komma eller tabb."
                )
            )
        raise FileProblem(
            _(
                "Hittar ingen rubrikrad. Första raden med innehåll ska ha kolumnernas namn, "
                "till exempel Datum, Tid, Typ, Beskrivning, X och Y."
            )
        )
    headers = []
    seen = {}
    for cell in rows[header_index]:
        heading = _cell_text(cell) or _("Kolumn %(n)s") % {"n": len(headers) + 1}
        if heading in seen:
            seen[heading] += 1
            heading = f"{heading} ({seen[heading]})"
        else:
            seen[heading] = 1
        headers.append(heading)
    table = Table(
        headers=headers,
        header_row=header_index + 1,
        rows=[],
        kind=kind,
        encoding=encoding,
        delimiter=delimiter,
    )
    width = len(headers)
    for i in range(header_index + 1, len(rows)):
        cells = rows[i]
        if not any(_cell_text(c) for c in cells):
            continue
        if _is_total_row(cells):
            table.skipped.append((i + 1, "total"))
            continue
        cells = list(cells[:width]) + [""] * (width - len(cells))
        table.rows.append((i + 1, [("" if c is None else c) for c in cells]))
    if not table.rows:
        raise FileProblem(_("Filen har en rubrikrad men inga rader med händelser."))
    if len(table.rows) > MAX_ROWS:
        raise FileProblem(
            _("Filen har fler än %(n)s rader; dela upp den i flera filer.") % {"n": MAX_ROWS}
        )
    return table


# --- values ----------------------------------------------------------------------------

MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "mars": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "maj": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augusti": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_WEEKDAYS = (
    r"(?:måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag|mån|tis|ons|tor|tors|fre|lör|sön)"
)
_TIME = r"(?:kl\.?\s*)?(?P<hh>\d{1,2})(?:[:.](?P<mm>\d{2})(?:[:.](?P<ss>\d{2}))?)?"
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ t]+" + _TIME + r"(?:\.\d+)?)?$")
_DMY = re.compile(
    r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})(?:[ ,]+" + _TIME + r")?$"
)
_TEXT_DATE = re.compile(
    r"^(?:" + _WEEKDAYS + r"\s*,?\s+(?:den\s+)?)?(?P<d>\d{1,2})(?:e|:e)?\s+(?P<mon>[a-zåäö]+)\.?"
    r"\s+(?P<y>\d{4})(?:[ ,]+" + _TIME + r")?$"
)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_TIME_ONLY = re.compile(r"^" + _TIME + r"$")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def _make_date(y, m, d, raw):
    y = int(y)
    if y < 100:
        y += 2000
    try:
        return dt.date(y, int(m), int(d))
    except ValueError:
        raise ValueError(_("Datumet %(value)s finns inte.") % {"value": raw}) from None


def _make_time(match, raw):
    if match is None or match.group("hh") is None:
        return None
    hh, mm, ss = int(match.group("hh")), int(match.group("mm") or 0), int(match.group("ss") or 0)
    if hh == 24 and mm == 0:
        hh = 0
    if not (0 <= hh <= 23 and 0 <= mm <= 59 and 0 <= ss <= 59):
        raise ValueError(_("Klockslaget %(value)s finns inte.") % {"value": raw})
    return dt.time(hh, mm, ss)


def parse_date(value):
    """(date, time or None) from a cell: text in Swedish formats, an Excel serial number,
    or a datetime; ValueError with a Swedish message otherwise."""
    if isinstance(value, dt.datetime):
        t = value.time()
        return value.date(), (t if t != dt.time(0) else None)
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, bool):
        raise ValueError(_("Datumet saknas eller känns inte igen."))
    if isinstance(value, int | float):
        return _from_serial(value, str(value))
    raw = str(value or "").strip()
    if not raw:
        raise ValueError(_("Datum saknas."))
    text = re.sub(r"\s+", " ", raw.casefold())
    if re.fullmatch(r"\d{5}(?:[.,]\d+)?", text):
        return _from_serial(float(text.replace(",", ".")), raw)
    if m := _ISO.match(text):
        date = _make_date(m["y"], m["m"], m["d"], raw)
        return date, _make_time(m, raw) if m.group("hh") is not None else None
    if m := _COMPACT.match(text):
        return _make_date(m["y"], m["m"], m["d"], raw), None
    if m := _DMY.match(text):
        date = _make_date(m["y"], m["m"], m["d"], raw)
        return date, _make_time(m, raw) if m.group("hh") is not None else None
    if m := _TEXT_DATE.match(text):
        month = MONTHS.get(m["mon"])
        if month is None:
            raise ValueError(
                _("Månaden i %(value)s känns inte igen; skriv till exempel 5 mars 2024.")
                % {"value": raw}
            )
        date = _make_date(m["y"], month, m["d"], raw)
        return date, _make_time(m, raw) if m.group("hh") is not None else None
    raise ValueError(
        _("Datumet %(value)s känns inte igen; skriv till exempel 2024-03-05.") % {"value": raw}
    )


def _from_serial(number, raw):
    if not (1 <= number < 2958466):
        raise ValueError(_("Datumet %(value)s känns inte igen.") % {"value": raw})
    moment = _EXCEL_EPOCH + dt.timedelta(seconds=round(float(number) * 86400))
    t = moment.time()
    return moment.date(), (t if t != dt.time(0) else None)


def parse_time(value):
    """A time of day from a cell ("21:30", "21.30", "kl 21", an Excel fraction), or None
    for an empty cell; ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    if isinstance(value, dt.timedelta):
        value = value.total_seconds() / 86400
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 0 <= value < 1:
            seconds = round(value * 86400)
            return dt.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
        if value == int(value) and 0 <= value <= 24:
            return dt.time(int(value) % 24)
        raise ValueError(_("Klockslaget %(value)s känns inte igen.") % {"value": value})
    raw = str(value).strip()
    text = raw.casefold()
    if re.fullmatch(r"\d{4}", text):
        text = f"{text[:2]}:{text[2:]}"
    if re.fullmatch(r"\d{4}-\d\d-\d\dt[\d:.]+", text):  # a stored ISO datetime
        return dt.datetime.fromisoformat(raw).time()
    m = _TIME_ONLY.match(text)
    if m is None:
        raise ValueError(
            _("Klockslaget %(value)s känns inte igen; skriv till exempel 21:30.") % {"value": raw}
        )
    return _make_time(m, raw)


# A plain number (at most 9 digits, not starting with 0, an optional fraction of at most
# 6 digits): no personal data the redaction looks for fits in one (a personnummer has 10
# or 12 digits, a phone number starts with 0, + or 00, a plate has letters, an e-mail an
# @), so such cells (coordinates, amounts) are not scanned. test_parsing checks this
# against ``redact`` itself.
PLAIN_NUMBER = re.compile(r"-?[1-9][0-9]{0,8}(?:[.,][0-9]{1,6})?")


def parse_number(value):
    """A float from a cell; decimal comma, spaces as thousands separators; None if empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(_("%(value)s är inget tal.") % {"value": value})
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and PLAIN_NUMBER.fullmatch(value):  # the common case
        return float(value.replace(",", "."))
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    text = text.replace("\u2212", "-")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    elif text.count(",") == 1 and text.count(".") >= 1 and text.rfind(",") > text.rfind("."):
        text = text.replace(".", "").replace(",", ".")  # 659.510,87
    try:
        number = float(text)
    except ValueError:
        raise ValueError(_("%(value)s är inget tal.") % {"value": value}) from None
    if not math.isfinite(number):
        raise ValueError(_("%(value)s är inget tal.") % {"value": value})
    return number


def parse_int(value):
    number = parse_number(value)
    if number is None:
        return None
    if number != int(number):
        raise ValueError(_("%(value)s är inget heltal.") % {"value": value})
    return int(number)


@cache
def _sweref_to_wgs84():
    from pyproj import Transformer

    return Transformer.from_crs(3006, 4326, always_xy=True)


def _is_sweref_e(v):
    return 200_000 <= v <= 1_000_000


def _is_sweref_n(v):
    return 6_100_000 <= v <= 7_700_000


def _is_lat(v):
    return 54.0 <= v <= 70.0


def _is_lon(v):
    return 10.0 <= v <= 25.0


def classify_point(a, b):
    """Which system the pair (a, b) is in, and in which order: returns ("wgs84", lat, lon)
    or ("sweref", easting, northing). The ranges do not overlap in Sweden, so the order of
    the columns (and whether "X" means north, as surveyors write it) does not matter."""
    if _is_sweref_e(a) and _is_sweref_n(b):
        return "sweref", a, b
    if _is_sweref_n(a) and _is_sweref_e(b):
        return "sweref", b, a
    if _is_lat(a) and _is_lon(b):
        return "wgs84", a, b
    if _is_lon(a) and _is_lat(b):
        return "wgs84", b, a
    return None


def points_to_wgs84(pairs):
    """[(a, b)] -> [(lat, lon) or None]; SWEREF 99 TM pairs converted in one call."""
    out = [None] * len(pairs)
    sweref = []
    for i, (a, b) in enumerate(pairs):
        kind = classify_point(a, b)
        if kind is None:
            continue
        if kind[0] == "wgs84":
            out[i] = (kind[1], kind[2])
        else:
            sweref.append((i, kind[1], kind[2]))
    if sweref:
        lons, lats = _sweref_to_wgs84().transform(
            [e for _i, e, _n in sweref], [n for _i, _e, n in sweref]
        )
        for (i, _e, _n), lon, lat in zip(sweref, lons, lats, strict=True):
            out[i] = (round(float(lat), 7), round(float(lon), 7))
    return out


_BUCKETS = {
    "morgon": "morning",
    "förmiddag": "morning",
    "morning": "morning",
    "dag": "day",
    "dagtid": "day",
    "eftermiddag": "day",
    "day": "day",
    "kväll": "evening",
    "kvällstid": "evening",
    "evening": "evening",
    "natt": "night",
    "nattetid": "night",
    "night": "night",
}


def bucket_of_time(t):
    hour = t.hour
    if 6 <= hour < 10:
        return "morning"
    if 10 <= hour < 18:
        return "day"
    if 18 <= hour < 22:
        return "evening"
    return "night"


def parse_bucket(value):
    text = normalise_heading(value)
    if not text:
        return ""
    bucket = _BUCKETS.get(text.split(" ")[0])
    if bucket is None:
        raise ValueError(
            _("Tid på dygnet %(value)s känns inte igen; skriv morgon, dag, kväll eller natt.")
            % {"value": value}
        )
    return bucket


_PLACE_TYPES = {
    "street": ["gata", "torg", "gata/torg", "gatan", "väg"],
    "park": ["park", "grönområde", "park/grönområde", "skog"],
    "station": ["station", "hållplats", "station/hållplats", "busshållplats", "pendeltåg"],
    "sports": ["idrottsplats", "idrottshall", "sporthall", "fotbollsplan"],
    "parking": ["parkering", "garage", "parkering/garage", "p-hus", "p-plats"],
    "centre": ["centrum", "butik", "centrum/butik", "köpcentrum"],
    "school": ["skola", "skolgård", "skola/skolgård"],
    "youth_centre": ["fritidsgård", "fritidsgården"],
    "stairwell": [
        "trapphus",
        "källare",
        "förråd",
        "trapphus/källare/förråd",
        "tvättstuga",
        "soprum",
        "cykelrum",
    ],
    "courtyard": ["bostadsgård", "gård", "innergård", "lekplats"],
    "other": ["annat", "lägenhet", "bostad", "arbetsplats", "kontor"],
}
_PLACE_WORDS = {w: code for code, words in _PLACE_TYPES.items() for w in [code, *words]}


def parse_place_type(value):
    text = normalise_heading(value)
    if not text:
        return ""
    code = _PLACE_WORDS.get(text)
    if code is None:
        raise ValueError(_("Platstypen %(value)s känns inte igen.") % {"value": value})
    return code


_AGE = {
    "barn": "children",
    "children": "children",
    "unga": "youth",
    "ungdom": "youth",
    "ungdomar": "youth",
    "youth": "youth",
    "vuxna": "adults",
    "vuxen": "adults",
    "adults": "adults",
    "okänd": "unknown",
    "okänt": "unknown",
    "unknown": "unknown",
}


def parse_age_group(value):
    text = normalise_heading(value)
    if not text:
        return "unknown"
    code = _AGE.get(text)
    if code is None:
        raise ValueError(
            _("Åldersgruppen %(value)s känns inte igen; skriv barn, unga, vuxna eller okänd.")
            % {"value": value}
        )
    return code


def parse_bool(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    text = normalise_heading(value)
    if text in ("ja", "j", "x", "1", "sant", "true", "yes"):
        return True
    if text in ("nej", "n", "0", "falskt", "false", "no"):
        return False
    if text in ("vet ej", "okänt", "okänd", "-"):
        return None
    raise ValueError(_("Skriv ja eller nej, inte %(value)s.") % {"value": value})


_LABELS = {
    "clear": "CLEAR",
    "green": "GREEN",
    "grön": "GREEN",
    "amber": "AMBER",
    "gul": "AMBER",
    "amber+strict": "AMBER+STRICT",
    "red": "RED",
    "röd": "RED",
}


def parse_label(value):
    text = normalise_heading(value).removeprefix("tlp").strip(" :")
    if not text:
        return "GREEN"
    label = _LABELS.get(text)
    if label is None:
        raise ValueError(
            _("Delningen %(value)s känns inte igen; skriv CLEAR, GREEN, AMBER eller AMBER+STRICT.")
            % {"value": value}
        )
    return label


# --- from a table and a mapping to incident rows -----------------------------------------


def category_words(table, mapping):
    """The distinct words of the category column, in order of appearance, with counts."""
    heading = mapping.get("category")
    if heading not in table.headers:
        return []
    i = table.headers.index(heading)
    counts = {}
    for _n, cells in table.rows:
        word = _cell_text(cells[i])
        if word:
            counts[word] = counts.get(word, 0) + 1
    return list(counts.items())


def check_mapping(table, mapping):
    """Problems with a column mapping itself (row 0: the file as a whole)."""
    problems = []
    unknown = [h for h in mapping.values() if h and h not in table.headers]
    for heading in unknown:
        problems.append(
            RowProblem(0, heading, _("Kolumnen %(c)s finns inte i filen.") % {"c": heading})
        )
    if not mapping.get("category"):
        problems.append(RowProblem(0, "", _("Välj vilken kolumn som har händelsetypen.")))
    if not (mapping.get("date") or mapping.get("datetime")):
        problems.append(RowProblem(0, "", _("Välj vilken kolumn som har datumet.")))
    has_point = mapping.get("x") and mapping.get("y")
    if not has_point and not mapping.get("area"):
        problems.append(
            RowProblem(
                0, "", _("Välj kolumnerna med koordinater (X och Y) eller kolumnen med område.")
            )
        )
    if bool(mapping.get("x")) != bool(mapping.get("y")):
        problems.append(RowProblem(0, "", _("Välj båda koordinatkolumnerna, X och Y.")))
    return problems


def _memoised(parse):
    """``parse`` remembering its result (or its ValueError) for each text cell."""
    cache = {}

    def call(value):
        if not isinstance(value, str):
            return parse(value)
        hit = cache.get(value)
        if hit is None:
            try:
                hit = (True, parse(value))
            except ValueError as exc:
                hit = (False, str(exc))
            cache[value] = hit
        if hit[0]:
            return hit[1]
        raise ValueError(hit[1])

    return call


def to_incident_rows(table, mapping, category_map=None):
    """Rows for the bulk service, and the problems found while reading the values.

    ``mapping`` is {field: heading}; ``category_map`` {their word (casefolded): code}.
    Dates come out as ISO strings so the rows can be stored as JSON.
    """
    category_map = {normalise_heading(k): v for k, v in (category_map or {}).items()}
    problems = check_mapping(table, mapping)
    if problems:
        return [], problems
    col = {f: table.headers.index(h) for f, h in mapping.items() if h}
    # Dates and times repeat across a file's rows: parse each distinct text once.
    date_of, time_of = _memoised(parse_date), _memoised(parse_time)
    category_of = {}  # the file's word -> the code it maps to (or the word itself)
    optional = [
        (f, parser)
        for f, parser in (
            ("place_type", parse_place_type),
            ("age_group", parse_age_group),
            ("people_count", parse_int),
            ("police_notified", parse_bool),
            ("label", parse_label),
        )
        if f in col
    ]
    rows = []
    pending_points = []
    for number, cells in table.rows:
        row = {"row_number": number}
        row_problems = []

        def get(f, cells=cells):
            return cells[col[f]] if f in col else ""

        def problem(f, message, row_problems=row_problems, number=number):
            row_problems.append(RowProblem(number, mapping.get(f, ""), message))

        # category
        word = _cell_text(get("category"))
        if not word:
            problem("category", _("Händelsetyp saknas."))
        else:
            row["category_word"] = word
            if word not in category_of:
                category_of[word] = category_map.get(normalise_heading(word), word)
            row["category"] = category_of[word]
        # when
        date = time = None
        try:
            if "datetime" in col and _cell_text(get("datetime")):
                date, time = date_of(get("datetime"))
            elif "date" in col:
                date, time = date_of(get("date"))
            else:
                raise ValueError(_("Datum saknas."))
        except ValueError as exc:
            problem("datetime" if "datetime" in col else "date", str(exc))
        if "time" in col:
            try:
                t = time_of(get("time"))
                time = t if t is not None else time
            except ValueError as exc:
                problem("time", str(exc))
        bucket = ""
        if "time_bucket" in col:
            try:
                bucket = parse_bucket(get("time_bucket"))
            except ValueError as exc:
                problem("time_bucket", str(exc))
        if date is not None:
            if time is not None:
                row["occurred_from"] = dt.datetime.combine(date, time).isoformat()
                row["occurred_date"] = date.isoformat()
            else:
                row["occurred_date"] = date.isoformat()
                row["time_bucket"] = bucket
        # where
        point = None
        if "x" in col and "y" in col:
            raw_x, raw_y = get("x"), get("y")
            if _cell_text(raw_x) or _cell_text(raw_y):
                try:
                    a, b = parse_number(raw_x), parse_number(raw_y)
                    if a is None or b is None:
                        raise ValueError(_("Ange både X och Y, eller ingen av dem."))
                    point = (a, b)
                except ValueError as exc:
                    problem("x", str(exc))
        area = _cell_text(get("area")) if "area" in col else ""
        if area:
            row["area"] = area
        if point is not None:
            pending_points.append((len(rows), point))
        elif "area" not in row and not any(p.column == mapping.get("x") for p in row_problems):
            problem(
                "area" if "area" in col else "x",
                _("Platsen saknas: ange koordinater (X och Y) eller ett område."),
            )
        # the rest
        for f, parser in optional:
            try:
                row[f] = parser(get(f))
            except ValueError as exc:
                problem(f, str(exc))
        if "description" in col:
            row["description"] = _cell_text(get("description"))
        if "external_id" in col:
            ext = _cell_text(get("external_id"))
            if isinstance(get("external_id"), float) and get("external_id") == int(
                get("external_id")
            ):
                ext = str(int(get("external_id")))
            row["external_id"] = ext
        row["problems"] = [p.as_dict() for p in row_problems]
        problems.extend(row_problems)
        rows.append(row)
    converted = points_to_wgs84([p for _i, p in pending_points])
    for (i, (a, b)), latlon in zip(pending_points, converted, strict=True):
        if latlon is None:
            p = RowProblem(
                rows[i]["row_number"],
                mapping.get("x", ""),
                _(
                    "Koordinaterna %(x)s, %(y)s känns inte igen som WGS84 (latitud/longitud) "
                    "eller SWEREF 99 TM."
                )
                % {"x": _fmt(a), "y": _fmt(b)},
            )
            rows[i]["problems"].append(p.as_dict())
            problems.append(p)
        else:
            rows[i]["lat"], rows[i]["lon"] = latlon
    problems.sort(key=lambda p: p.row_number)
    return rows, problems


def _fmt(number):
    return f"{number:g}"


def redact_table(table, redact):
    """Redact every text cell (the description column is not known until the user maps the
    columns; nothing unredacted is stored). Returns the number of cells changed."""
    changed = 0
    done = {}  # cell text -> redacted text, or None when it has nothing to redact
    plain_number = PLAIN_NUMBER.fullmatch
    for _n, cells in table.rows:
        for i, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) >= 6 and not plain_number(cell):
                if cell in done:
                    text = done[cell]
                else:
                    result = redact(cell)
                    text = done[cell] = result.text if result.findings else None
                if text is not None:
                    cells[i] = text
                    changed += 1
    return changed
