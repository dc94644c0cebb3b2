"""Demo weekly meetings (avstämningar) for Sigtuna (issue 8 §3).

``seed(partnership=..., orgs=..., users=..., today=..., rng=...)`` runs inside the demo's
transaction after the incidents, the rollup, the areas, the agreement and the actions
exist. It writes through ``trygg.meetings.services`` (and, for decisions, through
``trygg.work.services``), so every record has its audit entry. Deterministic for a given
``rng``.

The series meets on Mondays at 13:00 with a Teams-style link. The last ``HISTORY_WEEKS``
meetings are held: attendance, notes, a summary and decisions that create actions or
follow up the open ones (which the next meeting's agenda carries forward), and approved
minutes for all but the last; next week's meeting is planned with its agenda and a
partner's item. The newest ``FULL_AGENDA_WEEKS`` meetings get an agenda built from their
week's lägesbild (a draft picture each, the slow part); the older ones an agenda of the
actions to follow up only.
"""

import datetime as dt

from django.utils import timezone

from trygg.geo.models import Area
from trygg.meetings import services
from trygg.meetings.models import AgendaItemKind, Meeting
from trygg.work.models import Action

HISTORY_WEEKS = 12
FULL_AGENDA_WEEKS = 3
LINK = "https://example.invalid/avstamning"
VALSTA = ("Centrala Valsta", "Östra Valsta", "Södra Valsta", "Västra Valsta")
MARSTA_NORRA = ("Arenberga-Västra Norrbacka", "Sätuna", "Östra Norrbacka")

# (title, type, organisation key, label, decision text); {area} is filled in.
NEW_ACTIONS = (
    (
        "Extra kvällsnärvaro av fältarna i {area}",
        "presence",
        "falt",
        "GREEN",
        "Fältverksamheten är på plats i {area} fredag och lördag kväll de kommande två veckorna.",
    ),
    (
        "Trasig belysning lagas i {area}",
        "environment",
        "kommun",
        "GREEN",
        "Kommunen lagar belysningen på gångvägarna i {area}.",
    ),
    (
        "Klotter saneras i {area}",
        "environment",
        "sigtunahem",
        "GREEN",
        "Sigtunahem sanerar klottret i {area} inom en vecka.",
    ),
    (
        "Föräldravandring i {area}",
        "dialogue",
        "fritid",
        "GREEN",
        "Fritidsgårdarna bjuder in föräldrar till vandring i {area}.",
    ),
    (
        "Polisens fotpatrull i {area}",
        "presence",
        "polis",
        "AMBER",
        "Polisen prioriterar synlig närvaro i {area} under helgen.",
    ),
    (
        "Samordnad tillsyn av lokaler i {area}",
        "inspection",
        "kommun",
        "AMBER",
        "Kommunen och polisen genomför samordnad tillsyn i {area}.",
    ),
)

NOTES = (
    "Gick igenom flaggorna; ökningen hänger ihop med helgkvällarna.",
    "Partnerna bekräftar bilden. Fältarna har sett samma sak.",
    "Sigtunahem rapporterar att klottret har minskat efter saneringen.",
    "Polisen följer upp med extra närvaro.",
)
SUMMARIES = (
    "Mötet gick igenom veckans lägesbild och beslutade om fokus för kommande vecka.",
    "Lugnare vecka. Mötet följde upp pågående åtgärder och beslutade om nya insatser.",
    "Fokus på Valsta och Märsta norra kvällstid; åtgärderna från förra veckan följdes upp.",
)
CORE_ATTENDEES = ("kommun", "polis", "sigtunahem")


def _noon_after(meeting):
    local = timezone.localtime(meeting.ends_at)
    return local + dt.timedelta(days=1, hours=-local.hour + 10)


def _attendance(rng, participating, orgs):
    core = {orgs[k].pk for k in CORE_ATTENDEES if k in orgs}
    attendance = {}
    for org in participating:
        if org.pk in core:
            attendance[org.pk] = rng.randint(1, 3)
        else:
            attendance[org.pk] = rng.randint(1, 2) if rng.random() < 0.6 else 0
    return attendance


def _hold(meeting, *, partnership, orgs, coordinator, rng, areas, participating, number):
    services.record_attendance(
        actor=coordinator,
        partnership=partnership,
        meeting=meeting,
        attendance=_attendance(rng, participating, orgs),
    )
    items = list(meeting.items.order_by("order"))
    notes = {
        item.pk: NOTES[(number + i) % len(NOTES)]
        for i, item in enumerate(items[:3])
        if item.kind != AgendaItemKind.ACTION
    }
    services.save_notes(
        actor=coordinator,
        partnership=partnership,
        meeting=meeting,
        notes=notes,
        summary=SUMMARIES[number % len(SUMMARIES)],
    )
    day = timezone.localdate(meeting.starts_at)
    # Follow up the actions on the agenda: those past their deadline are done (a few
    # get a week more), the others are under way.
    for item in items:
        action = item.action
        if item.kind != AgendaItemKind.ACTION or action is None or not action.is_open:
            continue
        if action.end and action.end <= day + dt.timedelta(days=3):
            if rng.random() < 0.8:
                changes = {"status": "done", "outcome": "Genomförd enligt plan."}
                text = f"”{action.title}” är genomförd och avslutas."
            else:
                changes = {"end": day + dt.timedelta(days=7), "status": "ongoing"}
                text = f"”{action.title}” förlängs en vecka."
        elif action.status == "planned":
            changes = {"status": "ongoing"}
            text = f"”{action.title}” har börjat."
        else:
            continue
        services.record_decision(
            actor=coordinator,
            partnership=partnership,
            meeting=meeting,
            item=item,
            text=text,
            action=action,
            action_changes=changes,
        )
    # One new action a week, from the focus or a flag when the agenda has them.
    title, kind, org_key, label, text = NEW_ACTIONS[number % len(NEW_ACTIONS)]
    names = VALSTA if number % 2 == 0 else MARSTA_NORRA
    name = rng.choice([n for n in names if n in areas] or [None])
    area_text = name or "Valsta"
    focus = next((i for i in items if i.kind in (AgendaItemKind.FOCUS, AgendaItemKind.FLAG)), None)
    services.record_decision(
        actor=coordinator,
        partnership=partnership,
        meeting=meeting,
        item=focus,
        text=text.format(area=area_text),
        new_action={
            "title": title.format(area=area_text),
            "type": kind,
            "organisation": orgs[org_key],
            "label": label,
            "start": day,
            "end": day + dt.timedelta(days=rng.choice((7, 14, 21))),
            "areas": [areas[name]] if name else [],
        },
    )


def seed(*, partnership, orgs, users, today, rng):
    """The series, ``HISTORY_WEEKS`` held meetings (approved minutes for all but the last)
    and next week's planned meeting with its agenda."""
    coordinator = users["samordnare"]
    series = services.save_series(
        actor=coordinator,
        partnership=partnership,
        weekday=1,
        start_time=dt.time(13, 0),
        duration_minutes=60,
        location="Trygghetscenter, Märsta",
        link_url=LINK,
        organisation=orgs["tc"],
    )
    areas = {a.name: a for a in Area.objects.filter(partnership=partnership)}
    participating = list(services.participating_organisations(partnership))
    upcoming_day = services.next_occurrence(series, today + dt.timedelta(days=1))
    held = []
    for weeks_ago in range(HISTORY_WEEKS, 0, -1):
        day = upcoming_day - dt.timedelta(weeks=weeks_ago)
        meeting = services.create_meeting(
            actor=coordinator, partnership=partnership, day=day, build=False
        )
        services.build_agenda(
            actor=coordinator,
            partnership=partnership,
            meeting=meeting,
            situation=weeks_ago <= FULL_AGENDA_WEEKS,
        )
        meeting.refresh_from_db()
        _hold(
            meeting,
            partnership=partnership,
            orgs=orgs,
            coordinator=coordinator,
            rng=rng,
            areas=areas,
            participating=participating,
            number=HISTORY_WEEKS - weeks_ago,
        )
        held.append(meeting)
    for meeting in held[:-1]:
        services.approve_minutes(
            actor=coordinator,
            partnership=partnership,
            meeting=meeting,
            now=min(_noon_after(meeting), timezone.now()),
        )
    upcoming = services.create_meeting(actor=coordinator, partnership=partnership, day=upcoming_day)
    partner = users.get("rapportor.sigtunahem")
    if partner is not None:
        services.add_agenda_item(
            actor=partner,
            partnership=partnership,
            meeting=upcoming,
            title="Skadegörelse i tvättstugor i Valsta",
            text="Vi ser fler fall av skadegörelse i tvättstugorna kvällstid och vill stämma "
            "av med fältarna och polisen.",
        )
    return {
        "meetings": Meeting.objects.filter(partnership=partnership).count(),
        "approved": len(held) - 1,
        "actions_from_meetings": Action.objects.filter(
            partnership=partnership, decisions__isnull=False
        )
        .distinct()
        .count(),
    }
