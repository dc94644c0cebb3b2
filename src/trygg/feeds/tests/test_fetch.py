"""Fetching over HTTP from a local server: the good, the slow and the wrong answers."""

import datetime as dt
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from trygg.feeds import services
from trygg.feeds.models import FeedFetch, FeedSettings, PoliceEvent

from .conftest import SIGTUNA_FILE

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    routes = {
        "/events": (200, "application/json", SIGTUNA_FILE.read_bytes()),
        "/html": (200, "text/html; charset=utf-8", b"<html><body>Underhall</body></html>"),
        "/error": (503, "text/plain", b"Service Unavailable"),
        "/truncated": (200, "application/json", SIGTUNA_FILE.read_bytes()[:1000]),
    }

    def do_GET(self):  # noqa: N802
        if self.path == "/slow":
            time.sleep(2)
            status, kind, body = 200, "application/json", b"[]"
        else:
            status, kind, body = self.routes.get(self.path, (404, "text/plain", b"nej"))
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def use(partnership, url):
    FeedSettings.objects.update_or_create(partnership=partnership, defaults={"url": url})


def test_a_fetch_imports_the_feed(feed_world, server):
    use(feed_world.p, server + "/events")
    fetch = services.fetch_feed(feed_world.p).fetch
    assert (fetch.outcome, fetch.created) == (FeedFetch.Outcome.OK, 368)


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/html", "HTML"),
        ("/error", "HTTP-fel 503"),
        ("/missing", "HTTP-fel 404"),
        ("/truncated", "avbrutet"),
        ("/slow", "inom 0.5 sekunder"),
    ],
)
def test_a_failed_fetch_changes_nothing_and_is_recorded(feed_world, server, path, error):
    use(feed_world.p, server + "/events")
    services.fetch_feed(feed_world.p)
    before = sorted(PoliceEvent.objects.values_list("police_id", "content_hash"))
    use(feed_world.p, server + path)
    fetch = services.fetch_feed(feed_world.p, timeout=0.5).fetch
    assert fetch.outcome == FeedFetch.Outcome.FAILED
    assert error in fetch.error
    assert sorted(PoliceEvent.objects.values_list("police_id", "content_hash")) == before


def test_only_web_addresses_are_fetched(feed_world):
    use(feed_world.p, "file:///etc/passwd")
    fetch = services.fetch_feed(feed_world.p).fetch
    assert fetch.outcome == FeedFetch.Outcome.FAILED and "https://" in fetch.error
    assert not PoliceEvent.objects.exists()


def test_a_refused_connection_is_recorded(feed_world):
    use(feed_world.p, "http://127.0.0.1:9/api/events")
    fetch = services.fetch_feed(feed_world.p, timeout=1).fetch
    assert fetch.outcome == FeedFetch.Outcome.FAILED and "Kunde inte nå servern" in fetch.error


def test_only_partnerships_whose_interval_has_passed_are_due(feed_world, server):
    p = feed_world.p
    now = timezone.now()
    assert p in services.due_partnerships(now)  # never fetched
    FeedFetch.objects.create(
        partnership=p, source="x", started_at=now - dt.timedelta(minutes=10), outcome="ok"
    )
    assert p not in services.due_partnerships(now)
    assert p in services.due_partnerships(now + dt.timedelta(minutes=21))
    FeedSettings.objects.update_or_create(partnership=p, defaults={"enabled": False})
    assert p not in services.due_partnerships(now + dt.timedelta(hours=5))
    # Q has no municipality area loaded with Sigtuna's data but does have one: due too.
    assert feed_world.q in services.due_partnerships(now)


def test_the_commands_fetch_import_and_show_status(feed_world, server, capsys, tmp_path):
    p = feed_world.p
    use(p, server + "/error")
    with pytest.raises(CommandError, match="1 av 1"):
        call_command("feeds", "fetch", "--partnership", "p", "--now", "--timeout", "2")
    use(p, server + "/events")
    call_command("feeds", "fetch", "--partnership", "p", "--now")
    out = capsys.readouterr().out
    assert "368 nya" in out
    call_command("feeds", "fetch", "--partnership", "p")
    assert "inte dags ännu" in capsys.readouterr().out

    broken = tmp_path / "trasig.json"
    broken.write_text('[{"id": 5}]', encoding="utf-8")
    call_command("feeds", "import", "p", str(broken))
    out = capsys.readouterr().out
    assert "1 felaktiga" in out and "saknar" in out
    with pytest.raises(CommandError, match="Kunde inte läsa"):
        call_command("feeds", "import", "p", str(tmp_path / "finns-inte.json"))
    with pytest.raises(CommandError, match="ingen samverkan"):
        call_command("feeds", "import", "nope", str(broken))

    call_command("feeds", "status", "p")
    out = capsys.readouterr().out
    assert (
        "Senaste lyckade hämtning" in out and "368 nya" not in out
    )  # the file import is the latest ok
    assert "HTTP-fel 503" in out
    assert "Senast felaktiga händelser" in out
