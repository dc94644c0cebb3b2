"""`trygg meetings upcoming`: the scheduler's job that plans next week's meeting."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from trygg.meetings import services
from trygg.meetings.models import Meeting

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("meetings", "upcoming", *args, stdout=out)
    return out.getvalue()


def test_plans_the_next_meeting_once_and_says_so(world):
    services.save_series(
        actor=world.users["coordinator"],
        partnership=world.p,
        weekday=1,
        start_time=dt.time(13, 0),
    )
    first = run()
    assert "Samverkan P: planerade" in first
    assert "Samverkan Q: ingen mötesserie." in first
    assert Meeting.objects.filter(partnership=world.p).count() == 1
    again = run("--partnership", "p")
    assert "mötena finns redan" in again
    assert Meeting.objects.filter(partnership=world.p).count() == 1
    run("--weeks", "3")
    assert Meeting.objects.filter(partnership=world.p).count() == 3
    assert not Meeting.objects.filter(partnership=world.q).exists()


@pytest.mark.parametrize(
    "args, message",
    [(["--partnership", "finns-inte"], "finns-inte"), (["--weeks", "0"], "mellan 1 och 12")],
)
def test_bad_arguments_say_what_is_wrong(world, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Meeting.objects.exists()
