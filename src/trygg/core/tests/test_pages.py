"""The pages render, in Swedish and in English, and keep to the strict CSP (no inline
scripts or styles). Browser checks (axe, Leaflet, console) are in test_pages_browser.py."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trygg.core import services
from trygg.core.models import Role
from trygg.geo.models import Area
from trygg.incidents.models import Category, Incident, Label, Source
from trygg.testing import PASSWORD, SQUARE

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def add_areas(world):
    """A district with two RegSO areas, and one RegSO area outside any district."""
    district = Area.objects.create(
        partnership=world.p,
        kind=Area.Kind.DISTRICT,
        code="0191D01",
        name="Märsta",
        parent=world.area_p,
        geometry=SQUARE,
    )
    areas = [
        Area.objects.create(
            partnership=world.p,
            kind=Area.Kind.REGSO,
            code=code,
            name=name,
            parent=parent,
            geometry=SQUARE,
        )
        for code, name, parent in [
            ("0191R004", "Centrala Märsta", district),
            ("0191R009", "Märstadal", district),
            ("0191R011", "Rosersberg", world.area_p),
        ]
    ]
    return district, areas


def add_incident(world, *, day=None, label=Label.GREEN, description="", area=None, **extra):
    """An incident written directly (any label, any day), counted in the rollup like a
    service write would."""
    from trygg.incidents import rollup

    incident = Incident.objects.create(
        partnership=world.p,
        organisation=world.org_a,
        reported_by=world.users["reporter"],
        source=Source.MANUAL,
        category=Category.objects.get(code="VALD.HOT", partnership=None),
        occurred_date=day or timezone.localdate(),
        reported_at=timezone.now(),
        area=area or world.area_p,
        label=label,
        description=description,
        **extra,
    )
    rollup.apply(rollup.change(None, rollup.key_of(incident)))
    return incident


def client_for(user, language=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def html_of(response):
    assert response.status_code == 200, response
    return response.content.decode()


def assert_csp_clean(html, what):
    assert not INLINE_SCRIPT.search(html), f"{what}: inline <script> (CSP forbids it)"
    assert not STYLE_ATTRIBUTE.search(html), f"{what}: style= attribute (CSP forbids it)"
    assert not INLINE_HANDLER.search(html), f"{what}: inline event handler (CSP forbids it)"


# (url name, text the page must show in Swedish, and in English)
MEMBER_PAGES = [
    ("core:home", "Rapporterade händelser", "Reported incidents"),
    ("geo:map", "Områdena i tabellform", "The areas as tables"),
    ("incidents:list", "Inga händelser ännu", "No incidents yet"),
    ("core:choose_partnership", "Välj samverkan", "Choose partnership"),
]
PUBLIC_PAGES = [
    (
        "core:accessibility",
        "Tillgänglighet för Trygghetscenter",
        "Accessibility of Trygghetscenter",
    ),
    ("core:privacy", "Så behandlar vi personuppgifter", "How we process personal data"),
    ("account_login", "Glömt lösenordet?", "Forgotten your password?"),
    ("account_reset_password", "Återställ lösenord", "Reset your password"),
]


def test_static_files_are_found():
    """The CSS, the JS and the vendored Leaflet are served from src/trygg/static/."""
    for path in [
        "trygg/css/trygg.css",
        "trygg/js/trygg.js",
        "trygg/js/map.js",
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/images/layers.png",
        "vendor/leaflet/LICENSE",
    ]:
        assert finders.find(path), (
            f"static file {path} not found: settings.py needs "
            "STATICFILES_DIRS = [BASE_DIR / 'static'] (src/trygg/static is no app's static dir)"
        )


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "swedish", "english"), MEMBER_PAGES)
def test_member_pages_render_in_swedish_and_english(world, name, swedish, english):
    coordinator = world.users["coordinator"]
    html = html_of(client_for(coordinator).get(reverse(name)))
    assert '<html lang="sv">' in html
    assert swedish in html
    assert "Samverkan P" in html  # the current partnership in the header
    assert "Logga ut" in html
    assert_csp_clean(html, name)
    html = html_of(client_for(coordinator, "en").get(reverse(name)))
    assert '<html lang="en">' in html
    assert english in html
    assert swedish not in html


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "swedish", "english"), PUBLIC_PAGES)
def test_public_pages_render_without_login(name, swedish, english):
    html = html_of(client_for(None).get(reverse(name)))
    assert '<html lang="sv">' in html
    assert swedish in html
    assert "Logga ut" not in html
    assert_csp_clean(html, name)
    html = html_of(client_for(None, "en").get(reverse(name)))
    assert english in html


@pytest.mark.django_db
def test_the_page_skeleton(world, settings):
    settings.TRYGG_DEMO_MODE = True
    html = html_of(client_for(world.users["coordinator"]).get(reverse("core:home")))
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert 'aria-current="page"' in html
    assert reverse("core:accessibility") in html and reverse("core:privacy") in html
    assert f'action="{reverse("set_language")}"' in html
    assert f'action="{reverse("account_logout")}"' in html
    assert "Lokal demo:" in html
    assert "trygghetssamordnare" in html  # the user's role
    settings.TRYGG_DEMO_MODE = False
    html = html_of(client_for(world.users["coordinator"]).get(reverse("core:home")))
    assert "Lokal demo:" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [
        "reporter",
        "coordinator",
        "analyst",
        "org_admin",
        "partnership_admin",
        "viewer",
        "auditor",
        "case_worker",
    ],
)
def test_the_incidents_link_only_for_detail_roles(world, role):
    html = html_of(client_for(world.users[role]).get(reverse("core:home")))
    link = f'href="{reverse("incidents:list")}"'
    detail = role not in ("viewer", "auditor", "case_worker")
    assert (link in html) is detail
    assert f'href="{reverse("geo:map")}"' in html


@pytest.mark.django_db
def test_start_page_counts_and_week(world):
    today = timezone.localdate()
    year, week, _ = today.isocalendar()
    for _ in range(3):
        add_incident(world, day=today)
    add_incident(world, day=today - datetime.timedelta(days=7))
    add_areas(world)
    html = html_of(client_for(world.users["coordinator"]).get(reverse("core:home")))
    assert f"Det är vecka {week} ({year})" in html
    assert '<span class="stat__value">3</span>' in html
    assert '<span class="stat__value">1</span>' in html
    # 2 participating organisations, 3 RegSO areas
    assert re.search(r"Deltagande organisationer</dt>\s*<dd[^>]*>2</dd>", html)
    assert re.search(r"RegSO-områden</dt>\s*<dd[^>]*>3</dd>", html)


@pytest.mark.django_db
def test_viewers_see_small_counts_suppressed(world):
    for _ in range(3):
        add_incident(world)
    html = html_of(client_for(world.users["viewer"]).get(reverse("core:home")))
    assert '<span class="stat__value">&lt;5</span>' in html
    assert '<span class="stat__value">0</span>' in html  # zero is no small count


@pytest.mark.django_db
def test_map_page_has_the_table_equivalent(world, settings):
    settings.MAP_TILE_URL = ""
    add_areas(world)
    html = html_of(client_for(world.users["viewer"]).get(reverse("geo:map")))
    assert f'data-geojson-url="{reverse("geo:areas_geojson")}"' in html
    assert 'data-tile-url=""' in html
    assert "Kommundel Märsta (0191D01)" in html
    assert "RegSO-områden utan kommundel" in html
    for name, code in [
        ("Centrala Märsta", "0191R004"),
        ("Märstadal", "0191R009"),
        ("Rosersberg", "0191R011"),
    ]:
        assert re.search(rf'<th scope="row">{name}</th>\s*<td>{code}</td>', html)
    assert "vendor/leaflet/leaflet.js" in html


@pytest.mark.django_db
def test_map_page_passes_a_configured_tile_server(world, settings):
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Exempel"
    html = html_of(client_for(world.users["coordinator"]).get(reverse("geo:map")))
    assert 'data-tile-url="https://tiles.example/{z}/{x}/{y}.png"' in html
    assert 'data-tile-attribution="© Exempel"' in html


@pytest.mark.django_db
def test_map_without_areas_says_so(world):
    html = html_of(client_for(world.users["coordinator"]).get(reverse("geo:map")))
    assert "Inga kommundelar eller RegSO-områden är inlagda" in html


@pytest.mark.django_db
def test_incident_list_rows_filter_and_pagination(world):
    district, (marsta, marstadal, rosersberg) = add_areas(world)
    today = timezone.localdate()
    add_incident(world, description="Synlig händelse", area=marsta, time_bucket="evening")
    add_incident(world, description="Röd händelse", label=Label.RED)  # not a recipient
    old = today - datetime.timedelta(days=21)
    for _ in range(55):
        add_incident(world, day=old, area=rosersberg, description="Gammal")
    client = client_for(world.users["coordinator"])
    html = html_of(client.get(reverse("incidents:list")))
    assert "Synlig händelse" in html and "Centrala Märsta" in html
    assert "Röd händelse" not in html
    assert "kväll (18–22)" in html
    assert "TLP:GREEN" in html
    assert "56 händelser" in html
    assert 'aria-label="Sidor"' in html and "sida=2" in html
    page2 = html_of(client.get(reverse("incidents:list"), {"sida": 2}))
    assert "Synlig händelse" not in page2 and "Gammal" in page2
    year, week, _ = old.isocalendar()
    filtered = html_of(client.get(reverse("incidents:list"), {"vecka": f"{year}-W{week:02d}"}))
    assert "Synlig händelse" not in filtered
    assert "55 händelser" in filtered
    assert f'<option value="{year}-W{week:02d}" selected>' in filtered


@pytest.mark.django_db
def test_incident_list_bad_week_shows_the_error_summary(world):
    html = html_of(
        client_for(world.users["coordinator"]).get(reverse("incidents:list"), {"vecka": "2026-W99"})
    )
    assert "Det finns ett problem" in html
    assert 'href="#filter-week"' in html
    assert 'id="filter-week-error"' in html
    assert "<title>Fel:" in html


@pytest.mark.django_db
def test_incident_list_empty_week(world):
    add_incident(world)
    html = html_of(
        client_for(world.users["coordinator"]).get(reverse("incidents:list"), {"vecka": "2020-W10"})
    )
    assert "Inga händelser vecka 10" in html


@pytest.mark.django_db
def test_login_form_errors(world):
    client = Client()
    html = html_of(
        client.post(reverse("account_login"), {"login": "coordinator@a.example", "password": "fel"})
    )
    assert "Det finns ett problem" in html
    assert 'href="#id_login"' in html
    assert "<title>Fel: Logga in" in html
    html = html_of(client.post(reverse("account_login"), {"login": "", "password": ""}))
    assert 'href="#id_login"' in html and 'href="#id_password"' in html
    assert 'id="id_login_error"' in html and 'aria-invalid="true"' in html
    assert 'aria-describedby="id_login_error"' in html
    response = client.post(
        reverse("account_login"), {"login": "coordinator@a.example", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == reverse("core:home")


@pytest.mark.django_db
def test_set_language_switches_to_english_and_back(world):
    client = client_for(world.users["coordinator"])
    response = client.post(reverse("set_language"), {"language": "en", "next": "/karta/"})
    assert response.status_code == 302 and response.url == "/karta/"
    html = html_of(client.get(reverse("geo:map")))
    assert '<html lang="en">' in html and "Map of the areas" in html
    assert 'value="sv" lang="sv"' in html  # the switch back, labelled in Swedish
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert '<html lang="sv">' in html_of(client.get(reverse("geo:map")))


@pytest.mark.django_db
def test_partnership_switcher(world):
    services.add_organisation_to_partnership(
        actor=None, partnership=world.q, organisation=world.org_a
    )
    user = world.users["coordinator"]
    services.set_membership(actor=None, user=user, partnership=world.q, role=Role.VIEWER)
    client = client_for(user)
    html = html_of(client.get(reverse("core:home")))
    assert 'id="partnership-switcher"' in html
    assert f'<option value="{world.p.pk}" selected>Samverkan P</option>' in html
    choose = html_of(client.get(reverse("core:choose_partnership")))
    assert f'type="radio" id="partnership-{world.q.pk}"' in choose
    # From the incident list to Q, where the user is a viewer: back to the start page.
    response = client.post(
        reverse("core:choose_partnership"),
        {"partnership": world.q.pk, "next": reverse("incidents:list")},
    )
    assert response.url == reverse("core:home")
    html = html_of(client.get(reverse("core:home")))
    assert "Du arbetar nu i Samverkan Q." in html
    # The map is open to every role: stay there.
    response = client.post(
        reverse("core:choose_partnership"), {"partnership": world.p.pk, "next": reverse("geo:map")}
    )
    assert response.url == reverse("geo:map")
    response = client.post(reverse("core:choose_partnership"), {"partnership": ""})
    assert "Välj den samverkan du vill arbeta i." in html_of(client.get(response.url))


@pytest.mark.django_db
def test_no_switcher_with_one_membership(world):
    html = html_of(client_for(world.users["coordinator"]).get(reverse("core:home")))
    assert 'id="partnership-switcher"' not in html


@pytest.mark.django_db
def test_user_without_a_role(world):
    client = client_for(world.users["no_role"])
    response = client.get(reverse("core:home"))
    assert response.status_code == 403
    assert "Du har ingen roll i någon samverkan" in response.content.decode()
    html = html_of(client.get(reverse("core:choose_partnership")))
    assert "Du har ingen roll i någon samverkan" in html


@pytest.mark.django_db
def test_error_pages_in_swedish(world):
    response = client_for(world.users["viewer"]).get(reverse("incidents:list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Du har inte behörighet till sidan" in html
    assert_csp_clean(html, "403")
    response = client_for(None).get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()
    assert_csp_clean(response.content.decode(), "404")


def test_500_page_renders_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "Tekniskt fel" in html and '<html lang="sv">' in html
    assert_csp_clean(html, "500")


@pytest.mark.django_db
def test_allauth_pages_use_our_layout(world):
    client = client_for(world.users["coordinator"])
    html = html_of(client.get(reverse("account_logout")))
    assert '<main id="main"' in html and "Vill du logga ut" in html
    assert_csp_clean(html, "logout")
    html = html_of(client_for(None).get(reverse("account_reset_password_done")))
    assert '<main id="main"' in html and "Kontrollera din e-post" in html
    html = html_of(client.get(reverse("account_reauthenticate")))
    assert '<main id="main"' in html and 'class="label" for="id_password"' in html
    assert_csp_clean(html, "reauthenticate")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # MFA asks for it
    html = html_of(client.get(reverse("mfa_activate_totp")))
    assert '<main id="main"' in html and '<html lang="sv">' in html
    assert 'class="label" for="authenticator_secret"' in html  # our field element
    assert 'class="label" for="id_code"' in html  # labelled, not allauth's placeholder
    assert_csp_clean(html, "mfa_activate_totp")
    html = html_of(client_for(None).get(reverse("account_signup")))
    assert "Du kan inte skapa ett konto själv" in html
