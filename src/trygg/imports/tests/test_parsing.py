"""Reading messy office files: no database, so these run once."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from trygg.imports import parsing
from trygg.imports.parsing import FileProblem

pytestmark = pytest.mark.nodb

OFFICE_CSV = (
    "Sigtunahem – störningar och skadegörelse v. 10;;;;;\r\n"
    ";;;;;\r\n"
    "Datum;Tid;Typ;Adress/Område;Beskrivning;X;Y\r\n"
    "5 mars 2024;21.30;Klotter;Valsta;Klotter i trapphus, ring 070-123 45 67;659510,87;6612144,08\r\n"
    "05.03.2024;kl 22;Bråk;;Bråk på gården;659600;6612200\r\n"
    ";;;;;;\r\n"
    "2024-03-06 08:15;;Skadegörelse;Centrala Valsta;Krossad ruta;;\r\n"
    "Summa;;3;;;;\r\n"
)


def xlsx_bytes(rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_excel_saved_semicolon_csv_in_windows_1252_with_title_and_total_rows():
    table = parsing.read_table(OFFICE_CSV.encode("cp1252"), "export.csv")
    assert table.encoding == "cp1252"
    assert table.delimiter == ";"
    assert table.header_row == 3
    assert table.headers == ["Datum", "Tid", "Typ", "Adress/Område", "Beskrivning", "X", "Y"]
    assert [n for n, _ in table.rows] == [4, 5, 7]
    assert table.skipped == [(8, "total")]


def test_utf8_with_bom_and_comma_delimiter():
    text = "\ufeffDatum,Typ,Område\n2024-03-05,Klotter,Valsta\n"
    table = parsing.read_table(text.encode("utf-8"), "x.csv")
    assert table.encoding == "utf-8-sig"
    assert table.delimiter == ","
    assert table.headers[0] == "Datum"


def test_tab_delimited_utf8():
    table = parsing.read_table("Datum\tTyp\tOmråde\n2024-03-05\tKlotter\tValsta\n".encode(), "")
    assert table.delimiter == "\t"
    assert table.rows == [(2, ["2024-03-05", "Klotter", "Valsta"])]


def test_xlsx_with_title_row_and_real_dates():
    data = xlsx_bytes(
        [
            ["Händelser mars"],
            ["Datum", "Typ", "Område", "Antal"],
            [dt.datetime(2024, 3, 5, 21, 30), "Klotter", "Valsta", 5],
            [None, None, None, None],
            ["Totalt", None, None, 5],
        ]
    )
    table = parsing.read_table(data, "fil.xlsx")
    assert table.kind == "excel"
    assert table.header_row == 2
    assert len(table.rows) == 1
    number, cells = table.rows[0]
    assert number == 3
    assert parsing.parse_date(cells[0]) == (dt.date(2024, 3, 5), dt.time(21, 30))
    assert parsing.parse_int(cells[3]) == 5  # calamine gives 5.0


def test_xlsx_renamed_to_csv_is_read_as_excel():
    data = xlsx_bytes([["Datum", "Typ", "Område"], ["2024-03-05", "Klotter", "Valsta"]])
    table = parsing.read_table(data, "egentligen-excel.csv")
    assert table.kind == "excel"
    assert table.rows[0][1][1] == "Klotter"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05 21:30", (dt.date(2024, 3, 5), dt.time(21, 30))),
        ("2024-03-05", (dt.date(2024, 3, 5), None)),
        ("5/3/2024", (dt.date(2024, 3, 5), None)),
        ("05.03.2024", (dt.date(2024, 3, 5), None)),
        ("05.03.24", (dt.date(2024, 3, 5), None)),
        ("5 mars 2024", (dt.date(2024, 3, 5), None)),
        ("5 mar 2024 kl 21.30", (dt.date(2024, 3, 5), dt.time(21, 30))),
        ("tisdag 5 mars 2024", (dt.date(2024, 3, 5), None)),
        ("20240305", (dt.date(2024, 3, 5), None)),
        (45356, (dt.date(2024, 3, 5), None)),
        (45356.895833333336, (dt.date(2024, 3, 5), dt.time(21, 30))),
        ("45356", (dt.date(2024, 3, 5), None)),
        (dt.datetime(2024, 3, 5, 21, 30), (dt.date(2024, 3, 5), dt.time(21, 30))),
        ("2024-03-05T21:30:00", (dt.date(2024, 3, 5), dt.time(21, 30))),
    ],
)
def test_swedish_dates(value, expected):
    assert parsing.parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/2/2024", "Datumet 31/2/2024 finns inte."),
        ("2024-02-30", "Datumet 2024-02-30 finns inte."),
        ("5 smarch 2024", "Månaden i 5 smarch 2024 känns inte igen"),
        ("igår", "Datumet igår känns inte igen"),
        ("", "Datum saknas."),
    ],
)
def test_impossible_dates_say_what_is_wrong(value, message):
    with pytest.raises(ValueError, match=message):
        parsing.parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("21:30", dt.time(21, 30)),
        ("21.30", dt.time(21, 30)),
        ("kl 21", dt.time(21)),
        ("2130", dt.time(21, 30)),
        (0.5, dt.time(12)),
        ("", None),
        ("24:00", dt.time(0)),
    ],
)
def test_times(value, expected):
    assert parsing.parse_time(value) == expected


def test_bad_time():
    with pytest.raises(ValueError, match="Klockslaget 25:70 finns inte"):
        parsing.parse_time("25:70")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("59,6123", 59.6123),
        ("659 510,87", 659510.87),
        ("6\u00a0612\u00a0144", 6612144.0),
        ("17.85", 17.85),
        (5.0, 5.0),
        ("659.510,87", 659510.87),
        ("", None),
    ],
)
def test_numbers_with_decimal_commas(value, expected):
    assert parsing.parse_number(value) == expected


def test_sweref_and_wgs84_detected_by_range_in_either_order():
    (a,) = parsing.points_to_wgs84([(659510.872, 6612144.075)])
    assert a == pytest.approx((59.6169, 17.8277), abs=1e-5)
    (b,) = parsing.points_to_wgs84([(6612144.075, 659510.872)])  # surveyors' X = north
    assert b == a
    assert parsing.points_to_wgs84([(17.85, 59.62), (59.62, 17.85)]) == [
        (59.62, 17.85),
        (59.62, 17.85),
    ]
    assert parsing.points_to_wgs84([(1.0, 2.0)]) == [None]


def test_guess_mapping_from_swedish_headings():
    mapping = parsing.guess_mapping(
        ["Datum", "Tid", "Typ", "Adress/Område", "Beskrivning", "X", "Y", "Ärendenummer"]
    )
    assert mapping == {
        "date": "Datum",
        "time": "Tid",
        "category": "Typ",
        "area": "Adress/Område",
        "description": "Beskrivning",
        "x": "X",
        "y": "Y",
        "external_id": "Ärendenummer",
    }


def test_rows_from_the_office_file():
    table = parsing.read_table(OFFICE_CSV.encode("cp1252"), "export.csv")
    mapping = parsing.guess_mapping(table.headers)
    rows, problems = parsing.to_incident_rows(
        table, mapping, {"klotter": "SKADA.KLOTTER", "bråk": "ORDNING.BRAK"}
    )
    assert problems == []
    first, second, third = rows
    assert first["row_number"] == 4
    assert first["category"] == "SKADA.KLOTTER"
    assert first["occurred_from"] == "2024-03-05T21:30:00"
    assert first["lat"] == pytest.approx(59.6169, abs=1e-4)
    assert second["occurred_from"] == "2024-03-05T22:00:00"
    assert third["category"] == "Skadegörelse"  # unmapped: the bulk service reports it
    assert third["area"] == "Centrala Valsta"
    assert "lat" not in third
    assert third["occurred_from"] == "2024-03-06T08:15:00"


def test_row_problems_name_row_and_column_as_the_user_sees_them():
    text = "Rapport\nDatum;Typ;X;Y\n31/2/2024;Klotter;17,85;59,62\n2024-03-01;;abc;59\n"
    table = parsing.read_table(text.encode(), "f.csv")
    rows, problems = parsing.to_incident_rows(table, parsing.guess_mapping(table.headers))
    assert [(p.row_number, p.column) for p in problems] == [(3, "Datum"), (4, "Typ"), (4, "X")]
    assert problems[0].message == "Datumet 31/2/2024 finns inte."
    assert problems[1].message == "Händelsetyp saknas."
    assert problems[2].message == "abc är inget tal."


def test_mapping_without_category_or_place_is_refused():
    table = parsing.read_table(b"Datum;Beskrivning\n2024-03-01;x\n", "f.csv")
    problems = parsing.check_mapping(table, parsing.guess_mapping(table.headers))
    messages = [p.message for p in problems]
    assert "Välj vilken kolumn som har händelsetypen." in messages
    assert any("koordinater" in m for m in messages)


BROKEN = [
    (b"", "Filen är tom."),
    (b"   \r\n  \n", "Filen är tom."),
    (bytes(range(256)) * 20, "Filen är ingen textfil"),
    (b"%PDF-1.7\n...", "Filen är en PDF"),
    (b"PK\x03\x04garbage that is not a real zip", "skadad"),
    ("2024-03-05;Klotter;Valsta\n2024-03-06;Bråk;Valsta\n".encode(), "Hittar ingen rubrikrad"),
    (b"just one line without delimiters", "bara en kolumn"),
    ("Datum;Typ;Område\n;;\nSumma;;\n".encode(), "inga rader med händelser"),
    (b"Datum;Typ;Omr\x81de\nx;y;z\n", "teckenkodning"),
]


@pytest.mark.parametrize(("data", "message"), BROKEN)
def test_broken_files_give_one_clear_sentence(data, message):
    with pytest.raises(FileProblem, match=message):
        parsing.read_table(data, "fil.csv")


def test_a_text_file_named_xlsx_is_refused():
    with pytest.raises(FileProblem, match="ingen Excel-fil"):
        parsing.read_table(b"Datum;Typ\n", "fil.xlsx")


def test_redact_table_redacts_every_text_cell():
    from trygg.incidents.redaction import redact

    table = parsing.read_table(
        b"Datum;Typ;Beskrivning;Kontakt\n2024-03-05;Klotter;Ring 070-123 45 67;a@b.se\n",
        "f.csv",
    )
    assert parsing.redact_table(table, redact) == 2
    cells = table.rows[0][1]
    assert "070-123" not in cells[2]
    assert "a@b.se" not in cells[3]


def test_redact_table_skips_only_cells_redaction_finds_nothing_in():
    """Cells that are plain numbers are not scanned (speed); ``redact`` itself must find
    nothing in any of them, and everything else is still redacted."""
    import random

    from trygg.incidents.redaction import redact

    rng = random.Random(4)
    numbers = ["659510,87", "6612144.08", "-123456789", "999999999,999999", "100000"]
    for _ in range(3000):
        digits = str(rng.randint(1, 9)) + "".join(
            str(rng.randint(0, 9)) for _ in range(rng.randint(0, 8))
        )
        if rng.random() < 0.7:
            digits += rng.choice(".,") + str(rng.randint(0, 999999)).zfill(rng.randint(1, 6))[:6]
        numbers.append(("-" if rng.random() < 0.2 else "") + digits)
    for number in numbers:
        assert parsing.PLAIN_NUMBER.fullmatch(number), number
        assert redact(number).findings == (), number
    for not_plain in [
        "0701234567",  # a phone number
        "8112189876",  # a personnummer
        "+46701234567",
        "811218-9876",
        "070-123 45 67",
        "1234567890",  # ten digits
        "1,0701234",  # a fraction of seven digits
    ]:
        assert not parsing.PLAIN_NUMBER.fullmatch(not_plain), not_plain
    table = parsing.read_table(
        b"Typ;X;Kontakt\nKlotter;659510,87;8112189876\nBrak;6612144,08;0701234567\n", "f.csv"
    )
    assert parsing.redact_table(table, redact) == 2
    assert table.rows[0][1][1] == "659510,87"
    assert "8112189876" not in table.rows[0][1][2]
    assert "0701234567" not in table.rows[1][1][2]
