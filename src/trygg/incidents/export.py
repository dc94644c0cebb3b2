"""Exports of an incident selection: CSV (UTF-8 with BOM, semicolons, for Excel in Sweden)
and XLSX (openpyxl).

Only the rows the caller passes are exported: the view passes a selection that went
through ``Incident.objects.visible_to``. Text cells that a spreadsheet would read as a
formula (starting with = + - @, tab or carriage return) are prefixed with a quote
(OWASP "CSV injection").
"""

import csv
import datetime
import io

from django.utils import timezone
from django.utils.translation import gettext as _

# Hard cap on one export (Excel's own limit is 1,048,576 rows).
MAX_ROWS = 100_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def columns():
    """(header, function of incident) in export order; headers in the UI language."""

    def local(value, fmt):
        return timezone.localtime(value).strftime(fmt) if value else ""

    def yes_no(value):
        if value is None:
            return ""
        return _("ja") if value else _("nej")

    return [
        (_("Id"), lambda i: i.pk),
        (_("Datum"), lambda i: i.occurred_date),
        (_("Från klockan"), lambda i: local(i.occurred_from, "%H:%M")),
        (_("Till"), lambda i: local(i.occurred_to, "%Y-%m-%d %H:%M")),
        (_("Tid på dygnet"), lambda i: i.get_time_bucket_display() if i.time_bucket else ""),
        (_("Händelsetyp, kod"), lambda i: i.category.code),
        (_("Händelsetyp"), lambda i: i.category.label),
        (_("Grupp"), lambda i: i.category.parent.label if i.category.parent_id else ""),
        (_("Område"), lambda i: i.area.name),
        (_("Områdeskod"), lambda i: i.area.code),
        (_("Platstyp"), lambda i: i.get_place_type_display() if i.place_type else ""),
        (_("Latitud"), lambda i: i.lat),
        (_("Longitud"), lambda i: i.lon),
        (_("Beskrivning"), lambda i: i.description),
        (_("Antal inblandade"), lambda i: i.people_count),
        (_("Åldersgrupp"), lambda i: i.get_age_group_display()),
        (_("Polisen underrättad"), lambda i: yes_no(i.police_notified)),
        (_("Polisens diarienummer"), lambda i: i.police_reference),
        (_("Behöver följas upp"), lambda i: yes_no(i.needs_follow_up)),
        (_("Rapporterande organisation"), lambda i: str(i.organisation)),
        (_("Källa"), lambda i: i.get_source_display()),
        (_("Delning (TLP)"), lambda i: i.label),
        (_("Status"), lambda i: i.get_status_display()),
        (_("Rapporterad"), lambda i: local(i.reported_at, "%Y-%m-%d %H:%M")),
        (_("Återkallad"), lambda i: local(i.withdrawn_at, "%Y-%m-%d %H:%M")),
        (_("Skäl till återkallelse"), lambda i: i.withdrawn_reason),
    ]


def safe_text(value):
    """A string cell a spreadsheet will not evaluate as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def prepare(incidents):
    return incidents.select_related("category__parent", "area", "organisation__parent")


def rows(incidents):
    """Header row, then one row per incident (values typed; text made formula-safe)."""
    cols = columns()
    yield [header for header, _get in cols]
    for incident in prepare(incidents).iterator(chunk_size=2000):
        yield [safe_text(get(incident)) for _header, get in cols]


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.6f}".replace(".", ",")  # Swedish decimal comma
    return value


class _Echo:
    def write(self, value):
        return value


def csv_chunks(incidents):
    """The CSV file as an iterator of strings: a BOM, then semicolon-separated lines."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff"
    for row in rows(incidents):
        yield writer.writerow([_csv_value(v) for v in row])


def xlsx_bytes(incidents, sheet_title):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    for index, row in enumerate(rows(incidents)):
        if index == 0:
            cells = []
            for header in row:
                cell = WriteOnlyCell(sheet, value=header)
                cell.font = bold
                cells.append(cell)
            sheet.append(cells)
            continue
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
