"""`trygg demo`: loads, prints a summary and the logins; refuses without --reset."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from trygg.demo import services
from trygg.incidents.models import Incident, Source

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("demo", "--scale", "0.05", "--years", "1", *args, stdout=out)
    return out.getvalue()


def test_prints_progress_summary_and_logins():
    out = run("--seed", "11")
    assert "Genererar händelser" in out
    assert "Händelser per år:" in out and "Händelser per huvudgrupp:" in out
    assert "Våld och hot" in out
    assert services.DEMO_PASSWORD in out
    for email in services.demo_emails():
        assert email in out
    assert "samordnare@demo.trygg.local" in out and "coordinator" in out
    generated = Incident.objects.exclude(source=Source.POLICE_FEED).count()
    assert f"{generated:,}".replace(",", "\u00a0") in out
    police = Incident.objects.filter(source=Source.POLICE_FEED).count()
    assert f"av polisens publicerade händelser lästes in ({police} räknas" in out


def test_refuses_a_non_empty_database_without_reset(world):
    with pytest.raises(CommandError) as exc:
        run()
    message = str(exc.value)
    assert message.startswith("Databasen innehåller redan data")
    assert "--reset" in message


def test_reset_loads_again():
    run("--seed", "1")
    first = Incident.objects.count()
    out = run("--reset", "--seed", "1")
    assert "Tar bort tidigare demodata" in out
    assert Incident.objects.count() > 0 and abs(Incident.objects.count() - first) < first


def test_if_empty_loads_an_empty_database_and_only_shows_the_logins_later():
    first = run("--if-empty", "--seed", "2")
    assert "Demon är inläst" in first
    count = Incident.objects.count()
    second = run("--if-empty")
    assert "läses inte in igen" in second
    assert "samordnare@demo.trygg.local" in second and services.DEMO_PASSWORD in second
    assert Incident.objects.count() == count


def test_if_empty_leaves_other_data_alone(world):
    out = run("--if-empty")
    assert "läses inte in igen" in out
    assert Incident.objects.count() == 0
