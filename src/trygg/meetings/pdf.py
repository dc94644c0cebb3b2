"""The minutes as a tagged PDF (WeasyPrint, PDF/UA-1), rendered from an approved
version's snapshot alone, with the meeting's TLP marking in every page's header and footer.

The PDF is for the partnership's members who may read the minutes: action items and
actions linked to decisions appear only when labelled CLEAR or GREEN (what every detail
role in the partnership may see), like the lägesbild's partnership PDF.
"""

import datetime
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation

from .services import shared_action

CSS_PATH = Path(__file__).resolve().parent.parent / "situation" / "pdf.css"


def marking(snapshot):
    return f"TLP:{snapshot['meeting']['label']}"


def _local(value):
    return timezone.localtime(datetime.datetime.fromisoformat(value))


def context(snapshot):
    items = [
        i for i in snapshot["items"] if i["kind"] != "action" or shared_action(i.get("action"))
    ]
    decisions = [
        {**d, "shared": d["action"] is None or shared_action(d["action"])}
        for d in snapshot["decisions"]
    ]
    approval = snapshot.get("approval")
    return {
        "snapshot": snapshot,
        "meeting": snapshot["meeting"],
        "starts_at": _local(snapshot["meeting"]["starts_at"]),
        "ends_at": _local(snapshot["meeting"]["ends_at"]),
        "marking": marking(snapshot),
        "items": items,
        "hidden_items": len(snapshot["items"]) - len(items),
        "decisions": decisions,
        "attendance": snapshot["attendance"],
        "approval": approval,
        "approved_at": _local(approval["approved_at"]) if approval else None,
    }


def render(snapshot):
    """The PDF's bytes, always in Swedish (the language of the record)."""
    from weasyprint import CSS, HTML

    with translation.override("sv"):
        html = render_to_string("meetings/pdf.html", context(snapshot))
    return HTML(string=html, base_url=str(CSS_PATH.parent)).write_pdf(
        stylesheets=[CSS(filename=str(CSS_PATH))], pdf_variant="pdf/ua-1"
    )
