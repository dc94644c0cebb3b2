"""Population figures: entered per area and year, or imported from an SCB-style CSV where
every bad row is reported by line and nothing is written if any row is bad."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from trygg.agreement import services
from trygg.agreement.models import Population
from trygg.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_good_file_with_bom_header_and_semicolons(agreement_world):
    w = agreement_world
    content = (
        "\ufeffregion;år;folkmängd\n0191R005;2025;3 120\n0191R021;2025;1480\n0191;2025;52000\n"
    )
    result = services.import_population(
        actor=w.coordinator, partnership=w.p, content=content.encode("utf-8")
    )
    assert (result.created, result.updated) == (3, 0)
    assert Population.objects.get(area=w.r1, year=2025).population == 3120
    again = services.import_population(
        actor=w.coordinator, partnership=w.p, content=b"0191R005,2025,3200\n"
    )
    assert (again.created, again.updated) == (0, 1)
    assert Population.objects.get(area=w.r1, year=2025).population == 3200
    assert AuditEntry.objects.filter(action="agreement.population_import").count() == 2


def test_every_bad_row_is_reported_and_nothing_is_written(agreement_world):
    w = agreement_world
    content = (
        "region;år;folkmängd\n"
        "0191R005;2025;3120\n"
        "0191R999;2025;100\n"
        "0191R021;tjugo;100\n"
        "0191R004;2025;-5\n"
        "0191R005;2025;3000\n"
        "0191R004\n"
    )
    with pytest.raises(ValidationError) as error:
        services.import_population(actor=w.coordinator, partnership=w.p, content=content.encode())
    messages = error.value.messages
    assert messages == [
        "Rad 3: områdeskoden 0191R999 finns inte i samverkan.",
        "Rad 4: året tjugo är inte ett år mellan 1990 och 2100.",
        "Rad 5: folkmängden -5 är inte ett heltal mellan 0 och 10 000 000.",
        "Rad 6: 0191R005 år 2025 finns redan på rad 2.",
        "Rad 7: raden behöver tre kolumner (områdeskod, år, folkmängd).",
    ]
    assert not Population.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(agreement_world):
    w = agreement_world
    with pytest.raises(ValidationError) as error:
        services.import_population(
            actor=w.coordinator, partnership=w.p, content="0191R005;2025;å\n".encode("latin-1")
        )
    assert "inte UTF-8" in error.value.messages[0]


def test_the_population_page_imports_and_shows_errors(agreement_world, client):
    w = agreement_world
    client.force_login(w.coordinator)
    url = reverse("agreement:population_import")
    bad = SimpleUploadedFile("folk.csv", b"0191R005;2025;3120\nXX;2025;1\n", "text/csv")
    response = client.post(url, {"file": bad})
    assert response.status_code == 200
    assert "Rad 2: områdeskoden XX finns inte i samverkan." in response.content.decode()
    assert not Population.objects.exists()
    good = SimpleUploadedFile("folk.csv", b"0191R005;2025;3120\n", "text/csv")
    response = client.post(url, {"file": good}, follow=True)
    assert "1 nya och 0 ändrade" in response.content.decode()
    assert "3120" in response.content.decode()
    response = client.post(
        reverse("agreement:population"), {"area": w.r2.pk, "year": 2025, "population": 1480}
    )
    assert response.status_code == 302
    assert Population.objects.get(area=w.r2).population == 1480


def test_a_viewer_cannot_import(agreement_world, client):
    w = agreement_world
    client.force_login(w.users["viewer"])
    good = SimpleUploadedFile("folk.csv", b"0191R005;2025;3120\n", "text/csv")
    assert client.post(reverse("agreement:population_import"), {"file": good}).status_code == 403
    assert not Population.objects.exists()
