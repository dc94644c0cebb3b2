"""Whole files as offices make them, through the same path as `trygg import`, and broken
files: each gives a clear message and writes nothing."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from trygg.geo.models import Area
from trygg.imports import services
from trygg.imports.parsing import FileProblem
from trygg.incidents.models import Incident
from trygg.testing import SQUARE

from .conftest import assert_rollup_exact, db_state

pytestmark = pytest.mark.django_db

SAMPLE = Path(services.__file__).parent / "samples" / "sigtunahem_exempel.csv"
SAMPLE_CATEGORIES = {
    "Störning": "ORDNING.BRAK",
    "Skadegörelse": "SKADA.VANDALISERING",
    "Ungdomar i trapphus": "ORDNING.UNGDOMSSAMLING",
    "Brand i soprum": "BRAND.AVFALL",
    "Inbrott förråd": "STOLD.INBROTT",
    "Mopedåkning": "TRAFIK.OLOVLIG",
}

HEADER = "Ärendenr;Datum;Tid;Typ;Område;Beskrivning;X;Y\r\n"


def office_csv(lines, title=True, encoding="cp1252"):
    text = (
        ("Rapport från bostadsbolaget;;;;;;;\r\n" if title else "")
        + HEADER
        + "".join(line + "\r\n" for line in lines)
    )
    return text.encode(encoding)


GOOD = [
    "A-1;5 mars 2025;21.30;Klotter;;Klotter på port;659510,87;6612144,08",
    "A-2;06.03.2025;kl 22;Klotter;;Mer klotter;17,85;59,62",
    "A-3;2025-03-07;;Klotter;Sigtuna kommun;Klotter vid garage;;",
]


@pytest.fixture
def valsta(world):
    return Area.objects.create(
        partnership=world.p,
        kind=Area.Kind.REGSO,
        code="0191R1",
        name="Centrala Valsta",
        parent=world.area_p,
        geometry=SQUARE,
    )


def imp(world, data, name="fil.csv", **kw):
    kw.setdefault("actor", world.users["reporter"])
    return services.import_file(
        partnership=world.p, organisation=world.org_a, data=data, file_name=name, **kw
    )


def test_sample_file_through_the_command_twice(world, valsta, tmp_path, capsys):
    mapping = tmp_path / "koppling.json"
    mapping.write_text(json.dumps({"categories": SAMPLE_CATEGORIES}), encoding="utf-8")
    args = [
        str(SAMPLE),
        "--org",
        "Organisation A",
        "--partnership",
        "p",
        "--mapping",
        str(mapping),
        "--user",
        "reporter@a.example",
    ]
    call_command("import", *args, "--dry-run")
    assert Incident.objects.count() == 0
    assert "Provkörning" in capsys.readouterr().out
    call_command("import", *args)
    assert Incident.objects.count() == 12
    assert "12 nya" in capsys.readouterr().out
    brand = Incident.objects.get(external_id="SH-24106")
    assert "070-123" not in brand.description
    assert Incident.objects.get(external_id="SH-24105").area == valsta
    call_command("import", *args)
    assert "0 nya, 0 ändrade, 12 oförändrade" in capsys.readouterr().out
    assert Incident.objects.count() == 12
    assert_rollup_exact()


def test_messy_cp1252_file_with_sweref_title_blank_and_total_rows(world):
    data = office_csv([*GOOD, ";;;;;;;", "Summa;;;3;;;;"])
    result = imp(world, data)
    assert result.ok, result.problems
    assert len(result.created) == 3
    a1 = Incident.objects.get(external_id="A-1")
    assert (round(a1.lat, 4), round(a1.lon, 4)) == (59.6169, 17.8277)
    assert a1.occurred_from.isoformat().startswith("2025-03-05T20:30")  # 21:30 CET in UTC
    assert Incident.objects.get(external_id="A-3").area == world.area_p
    assert_rollup_exact()


def test_utf8_bom_comma_file(world):
    text = '\ufeffId,Datum,Typ,Latitud,Longitud\n1,2025-03-05 10:00,Klotter,"59,62","17,85"\n'
    assert imp(world, text.encode("utf-8")).ok


def test_reimport_with_two_changed_rows(world):
    lines = [f"B-{i};2025-03-0{i};12:00;Klotter;;Rad {i};17,85;59,62" for i in range(1, 8)]
    imp(world, office_csv(lines))
    lines[2] = lines[2].replace("Rad 3", "Rad tre")
    lines[5] = lines[5].replace("12:00", "13:15")
    result = imp(world, office_csv(lines))
    assert (len(result.created), len(result.updated), len(result.unchanged)) == (0, 2, 5)
    assert Incident.objects.count() == 7
    assert_rollup_exact()


def test_duplicate_rows_without_ids_are_imported_once(world):
    text = "Datum;Typ;X;Y\n2025-03-05;Klotter;17,85;59,62\n2025-03-05;Klotter;17,85;59,62\n"
    result = imp(world, text.encode())
    assert (len(result.created), result.duplicates) == (1, [3])


def test_xlsx_with_excel_dates_and_floats(world):
    import datetime as dt

    wb = Workbook()
    ws = wb.active
    ws.append(["Incidentlogg 2025"])
    ws.append(["Id", "Datum", "Typ", "X", "Y", "Antal"])
    ws.append([17, dt.datetime(2025, 3, 5, 21, 30), "Klotter", 17.85, 59.62, 5])
    ws.append(["Totalt", None, None, None, None, 5])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = imp(world, buffer.getvalue(), "logg.xlsx")
    assert result.ok, result.problems
    incident = Incident.objects.get()
    assert (incident.external_id, incident.people_count) == ("17", 5)


def test_only_valid_writes_the_valid_rows(world):
    data = office_csv([*GOOD, "A-9;31/2/2025;;Klotter;;x;17,85;59,62"])
    result = imp(world, data, only_valid=True)
    assert len(result.created) == 3 and result.rejected_rows == [6]


def xlsx(rows):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


BROKEN = {
    "empty": (b"", "Filen är tom."),
    "whitespace": (b"\r\n \r\n", "Filen är tom."),
    "binary": (bytes(range(256)) * 30, "ingen textfil"),
    "pdf": (b"%PDF-1.4 ...", "PDF"),
    "broken zip named csv": (b"PK\x03\x04" + b"\x00" * 100, "skadad"),
    "no header": (b"2025-03-05;Klotter;17,85;59,62\n", "Hittar ingen rubrikrad"),
    "header only": (HEADER.encode("cp1252"), "inga rader med händelser"),
    "one column": (b"hello world\nfoo\n", "bara en kolumn"),
    "wrong encoding": (b"Datum;Typ;Omr\x81de;X;Y\n2025-03-05;Klotter;x;17;59\n", "teckenkodning"),
    "utf-16 garbage": (b"\xff\xfe\x00\xd8", "teckenkodning"),
    "unknown category": (
        office_csv(["1;2025-03-05;;Mystisk sak;;;17,85;59,62"]),
        "Händelsetypen Mystisk sak finns inte",
    ),
    "impossible date": (
        office_csv(["1;31/2/2025;;Klotter;;;17,85;59,62"]),
        "Datumet 31/2/2025 finns inte.",
    ),
    "impossible time": (
        office_csv(["1;2025-03-05;25.70;Klotter;;;17,85;59,62"]),
        "Klockslaget 25.70 finns inte.",
    ),
    "future date": (office_csv(["1;2099-03-05;;Klotter;;;17,85;59,62"]), "framtiden"),
    "outside municipality": (
        office_csv(["1;2025-03-05;;Klotter;;;18,5;59,3"]),
        "ligger utanför Sigtuna kommun",
    ),
    "sweref outside": (
        office_csv(["1;2025-03-05;;Klotter;;;674000;6580000"]),
        "ligger utanför Sigtuna kommun",
    ),
    "coordinates not in Sweden": (
        office_csv(["1;2025-03-05;;Klotter;;;1,5;2,5"]),
        "känns inte igen som WGS84",
    ),
    "text coordinates": (office_csv(["1;2025-03-05;;Klotter;;;norr;söder"]), "är inget tal"),
    "no place": (office_csv(["1;2025-03-05;;Klotter;;;;"]), "Platsen saknas"),
    "unknown area": (
        office_csv(["1;2025-03-05;;Klotter;Atlantis;;;"]),
        "Området Atlantis finns inte",
    ),
    "group category": (office_csv(["1;2025-03-05;;VALD;;;17,85;59,62"]), "är en grupp"),
    "missing date": (office_csv(["1;;;Klotter;;;17,85;59,62"]), "Datum saknas."),
    "no category column": (
        b"Datum;X;Y\n2025-03-05;17,85;59,62\n",
        "Välj vilken kolumn som har händelsetypen.",
    ),
    "empty xlsx": (xlsx([]), "tom"),
    "xlsx without header": (xlsx([[1, 2, 3], [4, 5, 6]]), "Hittar ingen rubrikrad"),
    "text named xlsx": (b"Datum;Typ\n", "ingen Excel-fil"),
    "valid row next to a bad one": (
        office_csv([GOOD[0], "2;2025-13-01;;Klotter;;;17,85;59,62"]),
        "Datumet 2025-13-01 finns inte.",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_files_give_a_clear_message_and_write_nothing(world, case):
    data, expected = BROKEN[case]
    name = "fil.xlsx" if case == "text named xlsx" else "fil.csv"
    before = db_state()
    try:
        result = imp(world, data, name)
    except FileProblem as exc:
        messages = [exc.message]
    else:
        assert not result.written
        messages = [p.message for p in result.problems]
    assert any(expected in m for m in messages), messages
    assert db_state() == before


def test_command_errors_are_one_swedish_sentence(world, tmp_path):
    empty = tmp_path / "tom.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="^Filen är tom.$"):
        call_command("import", str(empty), "--org", "Organisation A", "--partnership", "p")
    with pytest.raises(CommandError, match="ingen samverkan med kortnamnet x"):
        call_command("import", str(empty), "--org", "Organisation A", "--partnership", "x")
    with pytest.raises(CommandError, match="ingen organisation som heter Nope"):
        call_command("import", str(empty), "--org", "Nope", "--partnership", "p")
    bad = tmp_path / "fel.csv"
    bad.write_bytes(office_csv(["1;31/2/2025;;Klotter;;;17,85;59,62"]))
    before = db_state()
    with pytest.raises(CommandError, match="Inget importerades: 1 rader har fel"):
        call_command("import", str(bad), "--org", str(world.org_a.pk), "--partnership", "p")
    assert db_state() == before
