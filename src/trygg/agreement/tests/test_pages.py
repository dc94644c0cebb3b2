"""The agreement pages as a coordinator, a viewer and an auditor see them: the agreement,
an indicator with its chart, table and action markers, and the write forms."""

import datetime as dt

import pytest
from django.urls import reverse

from trygg.agreement import services
from trygg.agreement.models import Indicator, IndicatorValue
from trygg.incidents.models import Category
from trygg.work import services as work

from .conftest import make_incidents

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_world(agreement_world):
    w = agreement_world
    make_incidents(w, [w.r1, w.r2, w.r3, w.area_p], n=150)
    w.computed = services.save_indicator(
        actor=w.coordinator,
        partnership=w.p,
        goal=w.goal,
        name="Otrygghetsskapande händelser i Valsta per månad",
        kind="computed",
        categories=Category.objects.filter(code__in=["VALD.HOT", "NARK.BRUK"]),
        areas=[w.district],
        place_classes=["public", "semi_public"],
        resolution="month",
        baseline_start=dt.date(2024, 1, 1),
        baseline_end=dt.date(2024, 12, 31),
        target_value="3",
        data_note="Räknas från partnernas rapporter.",
    )
    w.manual = services.save_indicator(
        actor=w.coordinator,
        partnership=w.p,
        goal=w.goal,
        name="Andel som känner sig trygga",
        kind="manual",
        unit="%",
        resolution="year",
        target_direction="increase",
        target_value="75",
    )
    for title, label in (("Fotpatrull i Valsta centrum", "GREEN"), ("Hemlig insats", "AMBER")):
        work.create_action(
            actor=w.coordinator,
            partnership=w.p,
            title=title,
            type="presence",
            organisation=w.org_a,
            label=label,
            goal=w.goal,
            start=dt.date(2026, 3, 10),
            end=dt.date(2026, 6, 30),
        )
    return w


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_the_overview_lists_current_and_past_agreements(page_world, client):
    w = page_world
    services.save_agreement(
        actor=w.coordinator,
        partnership=w.p,
        title="Samverkansöverenskommelse 2021–2022",
        start=dt.date(2021, 1, 1),
        end=dt.date(2022, 12, 31),
        parties=[w.org_a],
    )
    body = get(client, w.users["viewer"], reverse("agreement:overview")).content.decode()
    assert "Gäller nu" in body and "Samverkansöverenskommelse 2025–2026" in body
    assert "Samverkansöverenskommelse 2021–2022" in body and "Avslutad" in body
    assert "Ny överenskommelse" not in body


def test_the_agreement_page_shows_priorities_goals_and_indicator_charts(page_world, client):
    w = page_world
    services.save_commitment(
        actor=w.coordinator,
        partnership=w.p,
        agreement=w.agreement,
        organisation=w.org_b,
        title="Bättre belysning på gårdarna",
        status="done",
    )
    url = reverse("agreement:detail", args=[w.agreement.pk])
    body = get(client, w.coordinator, url).content.decode()
    assert "1. Färre otrygga händelser" in body
    assert "Minska händelserna på allmän plats" in body
    assert body.count('role="img"') == 2
    assert "Bättre belysning på gårdarna" in body and "genomfört" in body
    assert "Ändra överenskommelsen" in body
    viewer_body = get(client, w.users["viewer"], url).content.decode()
    assert "Otrygghetsskapande händelser i Valsta per månad" in viewer_body
    assert "Ändra överenskommelsen" not in viewer_body
    assert get(client, w.users["auditor"], url).status_code == 403
    other = get(client, w.users["other_partnership_coordinator"], url)
    assert other.status_code == 404


def test_the_indicator_page_has_chart_table_markers_and_note(page_world, client):
    w = page_world
    url = reverse("agreement:indicator", args=[w.computed.pk])
    body = get(client, w.coordinator, url).content.decode()
    assert 'class="chart chart-indicator"' in body
    assert "Värden för Otrygghetsskapande händelser i Valsta per månad" in body
    assert "Räknas från partnernas rapporter." in body
    assert "Fotpatrull i Valsta centrum" in body
    assert "Hemlig insats" in body  # AMBER: the coordinator sees it
    assert body.count('class="chart-marker"') == 2
    viewer = get(client, w.users["viewer"], url).content.decode()
    assert "Fotpatrull i Valsta centrum" in viewer
    assert "Hemlig insats" not in viewer  # viewers: CLEAR/GREEN summaries only
    assert viewer.count('class="chart-marker"') == 1
    assert "Lägg in ett värde" not in viewer


def test_a_coordinator_enters_a_manual_value_and_a_viewer_cannot(page_world, client):
    w = page_world
    url = reverse("agreement:indicator", args=[w.manual.pk])
    client.force_login(w.coordinator)
    response = client.post(url, {"period_key": "2026", "value": "abc"})
    assert response.status_code == 200
    assert "Skriv ett tal" in response.content.decode()
    assert not IndicatorValue.objects.exists()
    response = client.post(url, {"period_key": "2026", "value": "71,5", "note": "Enkät i maj"})
    assert response.status_code == 302
    assert str(IndicatorValue.objects.get().value) == "71.50"
    client.force_login(w.users["viewer"])
    assert client.post(url, {"period_key": "2025", "value": "1"}).status_code == 403
    assert IndicatorValue.objects.count() == 1


def test_the_indicator_form_creates_and_shows_errors(page_world, client):
    w = page_world
    client.force_login(w.users["partnership_admin"])
    url = reverse("agreement:indicator_create", args=[w.goal.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"name": "Ny", "kind": "computed", "resolution": "month", "target_direction": "decrease"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in body and "Välj minst en händelsetyp" in body
    category = Category.objects.get(code="VALD.HOT", partnership=None)
    response = client.post(
        url,
        {
            "name": "Hot i Märsta",
            "kind": "computed",
            "resolution": "tertial",
            "target_direction": "decrease",
            "categories": [category.pk],
            "areas": [w.r3.pk],
        },
    )
    assert response.status_code == 302
    created = Indicator.objects.get(name="Hot i Märsta")
    assert list(created.areas.all()) == [w.r3]
    client.force_login(w.users["analyst"])
    assert client.get(url).status_code == 403


def test_the_create_and_edit_forms_save(page_world, client):
    w = page_world
    client.force_login(w.coordinator)
    response = client.post(
        reverse("agreement:agreement_create"),
        {
            "title": "Nästa överenskommelse",
            "start": "2027-01-01",
            "end": "2028-12-31",
            "parties": [w.org_a.pk, w.org_b.pk],
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("agreement:promise_create", args=[w.agreement.pk]),
        {"title": "Trygg skolväg", "status": "ongoing"},
    )
    assert response.status_code == 302
    promise = w.agreement.promises.get()
    response = client.post(
        reverse("agreement:promise_note", args=[promise.pk]),
        {"date": "2026-11-01", "text": "Vandringar varje fredag."},
    )
    assert response.status_code == 302
    body = client.get(reverse("agreement:detail", args=[w.agreement.pk])).content.decode()
    assert "Trygg skolväg" in body and "Vandringar varje fredag." in body
