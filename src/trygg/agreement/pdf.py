"""The annual report's PDF (WeasyPrint, tagged PDF/UA-1), marked TLP:GREEN in every
page's header and footer. Rendered from the report's dict alone (``annual.build`` or the
approved snapshot), for detail roles (exact counts) or for viewers (suppressed)."""

from django.template.loader import render_to_string
from django.utils import translation

from trygg.core.models import Role
from trygg.situation.pdf import CSS_PATH

from . import annual

DETAIL = "detail"
VIEWER = "viewer"
MARKING = "TLP:GREEN"


class _Reader:
    """A stand-in membership with the role of the audience."""

    def __init__(self, audience):
        self.role = Role.COORDINATOR if audience == DETAIL else Role.VIEWER


def render(snapshot, *, audience, draft=False, partnership=None):
    """The PDF's bytes, always in Swedish (the language of the record). ``partnership``:
    for viewers, whose counts are suppressed with the rest of the agreement side."""
    from weasyprint import CSS, HTML

    with translation.override("sv"):
        html = render_to_string(
            "agreement/annual_pdf.html",
            {
                "report": annual.view(snapshot, _Reader(audience), partnership=partnership),
                "marking": MARKING,
                "audience": audience,
                "draft": draft,
            },
        )
    return HTML(string=html, base_url=str(CSS_PATH.parent)).write_pdf(
        stylesheets=[CSS(filename=str(CSS_PATH))], pdf_variant="pdf/ua-1"
    )
