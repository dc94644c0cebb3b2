"""The two PDFs of an approved lägesbild (WeasyPrint, tagged PDF/UA-1).

- ``PARTNERSHIP``: for the partnership's members with a detail role: exact counts, and
  points only where the incident is labelled CLEAR or GREEN (what every detail role in
  the partnership may see), marked TLP:GREEN.
- ``VIEWER``: aggregates only, small counts suppressed as on the page; marked TLP:GREEN,
  or TLP:CLEAR when the partnership publishes its overview.

Both are rendered from the picture alone, never from the incidents.
"""

import datetime
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import render as rendering

PARTNERSHIP = "partnership"
VIEWER = "viewer"
CSS_PATH = Path(__file__).resolve().parent / "pdf.css"
SHARED_LABELS = ("CLEAR", "GREEN")


def marking(picture, audience):
    if audience == VIEWER and picture.get("publish_overview"):
        return "TLP:CLEAR"
    return "TLP:GREEN"


def context(picture, audience):
    detail = rendering.DETAIL if audience == PARTNERSHIP else rendering.VIEWER
    kind = picture["period"]["kind"]
    points = (
        [p for p in picture.get("points", []) if p["label"] in SHARED_LABELS]
        if audience == PARTNERSHIP
        else []
    )
    time = rendering.time_charts(picture, kind) if audience == PARTNERSHIP else []
    for chart in time:
        chart["rows"] = [
            {"day": day, "hours": hours}
            for day, hours in zip(rendering.weekday_names(), chart["hours"], strict=True)
        ]
    trends = rendering.trend_charts(picture, detail)
    for chart in trends:
        chart["chunks"] = [chart["rows"][i : i + 13] for i in range(0, len(chart["rows"]), 13)]
    group_labels = {g["code"]: g["label"] for g in picture["groups"]}
    texts = picture.get("texts", {})
    return {
        "picture": picture,
        "audience": audience,
        "marking": marking(picture, audience),
        "period_label": rendering.period_label(picture["period"]),
        "overview": rendering.overview(picture, detail),
        "tables": rendering.table_sections(picture, detail),
        "flags": rendering.flag_list(picture),
        "family_size": picture["family_size"],
        "points": points,
        "map_svg": rendering.map_svg(picture, points),
        "hotspot_rows": rendering.hotspot_rows(picture),
        "police_rows": rendering.police_rows(picture, detail),
        "hours": [f"{h:02d}" for h in range(24)],
        "time_charts": time,
        "trend_charts": trends,
        "texts": texts,
        "proposed_category_labels": [
            group_labels.get(code, code) for code in texts.get("proposed_categories", [])
        ],
        "approval": picture.get("approval"),
        "approved_at": (
            timezone.localtime(datetime.datetime.fromisoformat(picture["approval"]["approved_at"]))
            if picture.get("approval")
            else None
        ),
    }


def render(picture, *, audience):
    """The PDF's bytes, always in Swedish (the language of the record)."""
    from weasyprint import CSS, HTML

    with translation.override("sv"):
        html = render_to_string("situation/pdf.html", context(picture, audience))
    return HTML(string=html, base_url=str(CSS_PATH.parent)).write_pdf(
        stylesheets=[CSS(filename=str(CSS_PATH))], pdf_variant="pdf/ua-1"
    )
