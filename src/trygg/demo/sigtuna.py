"""What the Sigtuna demo is made of: organisations, users, hotspots and area weights.

Plain data, no Django. The organisations and hotspots are modelled on Sigtuna kommun's
Trygghetscenter; "Förvaltaren Märsta" and "Trygg Bevakning AB" are invented. The area
weights are illustrative (rough activity levels, higher in Valsta and Märsta norra), not
statistics.
"""

from .generator import Hotspot

PARTNERSHIP = {
    "name": "Trygghetscenter Sigtuna",
    "slug": "sigtuna",
    "municipality_code": "0191",
    "municipality_name": "Sigtuna",
}

EMAIL_DOMAIN = "demo.trygg.local"

# (key, name, kind, parent key, generator profile, weight, (manual, import, api), prefix)
ORGANISATIONS = (
    ("kommun", "Sigtuna kommun", "kommun", None, None, 1.0, None, ""),
    ("tc", "Trygghetscenter", "kommun", "kommun", "coordination", 1.0, None, "TC"),
    ("falt", "Fältverksamheten", "kommun", "kommun", "field_workers", 1.0, None, "FV"),
    ("fritid", "Fritidsgårdarna", "kommun", "kommun", "youth_centres", 1.0, None, "FG"),
    ("skolor", "Skolorna", "kommun", "kommun", "schools", 1.0, None, "SK"),
    ("social", "Socialtjänsten", "kommun", "kommun", "social_services", 1.0, None, "SOC"),
    ("polis", "Polisen lokalpolisområde Sollentuna", "polis", None, "police", 1.0, None, "LPO"),
    ("sigtunahem", "Sigtunahem", "bostadsbolag", None, "housing", 0.7, (0.85, 0.15, 0.0), "SH"),
    (
        "forvaltaren",
        "Förvaltaren Märsta",
        "bostadsbolag",
        None,
        "housing",
        0.3,
        (0.35, 0.65, 0.0),
        "FM",
    ),
    ("brand", "Brandkåren Attunda", "raddningstjanst", None, "rescue", 1.0, None, "BKA"),
    ("bevakning", "Trygg Bevakning AB", "sakerhetsforetag", None, "security", 1.0, None, "TB"),
    ("polisfeed", "Polisen, publicerade händelser", "system", None, None, 1.0, None, ""),
)

# (e-mail local part, role, organisation key, first name, last name). One user per role,
# plus a reporter in every organisation that reports.
USERS = (
    ("samordnare", "coordinator", "tc", "Demo", "Samordnare"),
    ("analytiker", "analyst", "tc", "Demo", "Analytiker"),
    ("rapportor", "reporter", "tc", "Demo", "Rapportör"),
    ("orgadmin", "org_admin", "kommun", "Demo", "Organisationsadministratör"),
    ("samverkansadmin", "partnership_admin", "tc", "Demo", "Samverkansadministratör"),
    ("ledning", "viewer", "kommun", "Demo", "Ledning"),
    ("granskare", "auditor", "kommun", "Demo", "Granskare"),
    ("handlaggare", "case_worker", "social", "Demo", "Handläggare"),
    ("handlaggare.skolor", "case_worker", "skolor", "Demo", "Handläggare Skolorna"),
    ("handlaggare.polisen", "case_worker", "polis", "Demo", "Handläggare Polisen"),
    ("rapportor.sigtunahem", "reporter", "sigtunahem", "Demo", "Rapportör Sigtunahem"),
    ("rapportor.falt", "reporter", "falt", "Demo", "Rapportör Fältverksamheten"),
    ("rapportor.fritid", "reporter", "fritid", "Demo", "Rapportör Fritidsgårdarna"),
    ("rapportor.skolor", "reporter", "skolor", "Demo", "Rapportör Skolorna"),
    ("rapportor.social", "reporter", "social", "Demo", "Rapportör Socialtjänsten"),
    ("rapportor.polisen", "reporter", "polis", "Demo", "Rapportör Polisen"),
    ("rapportor.forvaltaren", "reporter", "forvaltaren", "Demo", "Rapportör Förvaltaren"),
    ("rapportor.brandkaren", "reporter", "brand", "Demo", "Rapportör Brandkåren"),
    ("rapportor.bevakning", "reporter", "bevakning", "Demo", "Rapportör Trygg Bevakning"),
)

# Themes: youth, drugs, violence, nightlife, housing, transit (see generator.CATEGORY_MODEL).
HOTSPOTS = (
    Hotspot(
        "marsta_station",
        "vid Märsta station",
        59.6276,
        17.8605,
        250,
        {
            "youth": 1.5,
            "drugs": 2.0,
            "violence": 2.0,
            "nightlife": 2.0,
            "housing": 0.3,
            "transit": 3.0,
        },
        focus=True,
    ),
    Hotspot(
        "valsta_centrum",
        "vid Valsta centrum",
        59.6125,
        17.8330,
        250,
        {
            "youth": 3.0,
            "drugs": 2.5,
            "violence": 2.0,
            "nightlife": 1.0,
            "housing": 1.0,
            "transit": 2.5,
        },
        focus=True,
    ),
    Hotspot(
        "centrala_valsta",
        "",
        59.6166,
        17.8279,
        300,
        {
            "youth": 2.5,
            "drugs": 2.0,
            "violence": 1.5,
            "nightlife": 0.5,
            "housing": 2.5,
            "transit": 0.5,
        },
        focus=True,
    ),
    Hotspot(
        "arenberga",
        "",
        59.6350,
        17.8430,
        350,
        {
            "youth": 2.0,
            "drugs": 1.5,
            "violence": 1.0,
            "nightlife": 0.3,
            "housing": 2.5,
            "transit": 0.3,
        },
        focus=True,
    ),
    Hotspot(
        "ostra_norrbacka",
        "",
        59.6330,
        17.8530,
        250,
        {
            "youth": 2.0,
            "drugs": 2.0,
            "violence": 1.2,
            "nightlife": 0.3,
            "housing": 2.5,
            "transit": 0.2,
        },
        focus=True,
    ),
    Hotspot(
        "satuna",
        "",
        59.6275,
        17.8557,
        200,
        {
            "youth": 1.5,
            "drugs": 1.5,
            "violence": 1.0,
            "nightlife": 0.5,
            "housing": 2.0,
            "transit": 0.5,
        },
        focus=True,
    ),
    Hotspot(
        "marsta_centrum",
        "vid Märsta centrum",
        59.6230,
        17.8560,
        250,
        {
            "youth": 1.5,
            "drugs": 1.0,
            "violence": 1.5,
            "nightlife": 2.5,
            "housing": 0.5,
            "transit": 1.5,
        },
    ),
    Hotspot(
        "sigtuna_stad",
        "",
        59.6172,
        17.7236,
        300,
        {
            "youth": 0.8,
            "drugs": 0.3,
            "violence": 0.6,
            "nightlife": 2.0,
            "housing": 0.5,
            "transit": 0.5,
        },
    ),
    Hotspot(
        "arlanda",
        "vid Arlanda",
        59.6498,
        17.9237,
        600,
        {"violence": 0.1, "nightlife": 0.1, "transit": 1.0},
    ),
)

# Activity weight of each RegSO area for the diffuse background (illustrative).
AREA_WEIGHTS = {
    "0191R001": 5.5,  # Arenberga-Västra Norrbacka
    "0191R002": 2.5,  # Björkbacka-Tilsjö
    "0191R003": 1.5,  # Broby
    "0191R004": 3.5,  # Centrala Märsta
    "0191R005": 5.0,  # Centrala Valsta
    "0191R006": 2.0,  # Ekilla
    "0191R007": 1.8,  # Malmen-Pilsbo
    "0191R008": 1.0,  # Märsta Östra omland
    "0191R009": 2.5,  # Märstadal
    "0191R010": 1.5,  # Odensala-Arlanda omland
    "0191R011": 3.0,  # Rosersberg
    "0191R012": 3.0,  # Sigtuna centrala
    "0191R013": 1.2,  # Sigtuna norra
    "0191R014": 2.5,  # Sjudargården-Prästängarna
    "0191R015": 1.2,  # Skånela-Steningevik omland
    "0191R016": 2.5,  # Steningehöjden-Ölsta by
    "0191R017": 3.5,  # Sätuna
    "0191R018": 3.5,  # Södra Valsta
    "0191R019": 2.0,  # Til-Munkholmen
    "0191R020": 3.0,  # Tingvalla
    "0191R021": 3.5,  # Västra Valsta
    "0191R022": 4.5,  # Östra Norrbacka
    "0191R023": 2.0,  # Östra Steninge
    "0191R024": 4.0,  # Östra Valsta
}
