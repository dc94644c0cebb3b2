"""One case as a tagged PDF (WeasyPrint, PDF/UA-1): the owning organisation's export,
rendered from ``services.case_document`` alone, identity included, and marked TLP:RED in
every page's header and footer (it must not leave the owning organisation)."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import (
    CommitmentStatus,
    ConsentGiver,
    Outcome,
    Programme,
    RiskDomain,
    RiskLevel,
    Sector,
    ShareScope,
    Stage,
    TeamRole,
)

CSS_PATH = Path(__file__).resolve().parent.parent / "situation" / "pdf.css"
MARKING = "TLP:RED"


def _label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def context(document):
    """The template's context: the document with its codes as Swedish labels."""
    return {
        "marking": MARKING,
        "case": {
            **document,
            "programme_label": _label(Programme, document["programme"]),
            "stage_label": _label(Stage, document["stage"]),
            "outcome_label": _label(Outcome, document["outcome"]),
        },
        "team": [{**m, "role_label": _label(TeamRole, m["role"])} for m in document["team"]],
        "consents": [
            {
                **c,
                "given_by_label": _label(ConsentGiver, c["given_by"]),
                "scope_labels": [_label(ShareScope, s) for s in c["scope"]],
            }
            for c in document["consents"]
        ],
        "references": document["references"],
        "plan": [
            {
                **c,
                "sector_label": _label(Sector, c["sector"]),
                "status_label": _label(CommitmentStatus, c["status"]),
            }
            for c in document["plan"]
        ],
        "meetings": [{**m, "marking": f"TLP:{m['label']}"} for m in document["meetings"]],
        "assessments": [
            {
                **a,
                "rating_rows": [
                    (_label(RiskDomain, d), _label(RiskLevel, a["ratings"][d]))
                    for d in RiskDomain.values
                    if d in a["ratings"]
                ],
            }
            for a in document["assessments"]
        ],
        "follow_ups": document["follow_ups"],
        "made_at": timezone.localtime(),
    }


def render(document):
    """The PDF's bytes, always in Swedish (the language of the record)."""
    from weasyprint import CSS, HTML

    with translation.override("sv"):
        html = render_to_string("cases/pdf.html", context(document))
    return HTML(string=html, base_url=str(CSS_PATH.parent)).write_pdf(
        stylesheets=[CSS(filename=str(CSS_PATH))], pdf_variant="pdf/ua-1"
    )
