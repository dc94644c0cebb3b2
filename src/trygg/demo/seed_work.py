"""Demo actions, presence and evaluations for Sigtuna (issue 8 §2, §4, §5).

``seed(partnership=..., orgs=..., users=..., today=..., rng=...)`` runs inside the demo's
transaction after the incidents, the rollup, the areas and the agreement exist. It writes
through ``trygg.work.services`` only, so every record has its audit entry and revisions.
Deterministic for a given ``rng``.
"""

import datetime as dt

from django.utils import timezone

from trygg.geo.models import Area
from trygg.work import evaluate, services
from trygg.work.models import Action, ActionStatus

ONE_DAY = dt.timedelta(days=1)
VALSTA = ("Centrala Valsta", "Östra Valsta", "Södra Valsta", "Västra Valsta")
MARSTA_NORRA = ("Arenberga-Västra Norrbacka", "Sätuna", "Östra Norrbacka")

# (title, type, organisation key, creator, label, areas, priority number, outcome when done)
ACTIONS = (
    (
        "Fotpatrull kvällstid i Valsta centrum",
        "presence",
        "polis",
        "rapportor.polisen",
        "AMBER",
        VALSTA[:2],
        1,
        "Synlig närvaro fredag och lördag kväll; färre samlingar vid centrum.",
    ),
    (
        "Fotpatrull i Märsta norra",
        "presence",
        "polis",
        "rapportor.polisen",
        "AMBER",
        MARSTA_NORRA,
        1,
        "Patrullering genomförd enligt plan.",
    ),
    (
        "Ny belysning på gångvägen vid Valsta station",
        "environment",
        "kommun",
        "samordnare",
        "GREEN",
        ("Centrala Valsta",),
        1,
        "Tolv nya armaturer på plats.",
    ),
    (
        "Röjning av buskage vid Norrbackaskolan",
        "environment",
        "kommun",
        "samordnare",
        "GREEN",
        ("Östra Norrbacka",),
        1,
        "Buskagen nedklippta, sikten bättre.",
    ),
    (
        "Klottersanering i Sätuna",
        "environment",
        "sigtunahem",
        "rapportor.sigtunahem",
        "GREEN",
        ("Sätuna",),
        1,
        "Sanerat inom 24 timmar efter varje anmälan.",
    ),
    (
        "Städdag med boende i Södra Valsta",
        "event",
        "sigtunahem",
        "rapportor.sigtunahem",
        "CLEAR",
        ("Södra Valsta",),
        1,
        "Omkring 60 boende deltog.",
    ),
    (
        "Fältarbetare på plats vid Märsta station fredagar",
        "dialogue",
        "falt",
        "rapportor.falt",
        "GREEN",
        ("Centrala Märsta",),
        2,
        "Kontakt med ett 40-tal unga per kväll.",
    ),
    (
        "Uppsökande samtal i Valsta efter skolan",
        "dialogue",
        "falt",
        "rapportor.falt",
        "GREEN",
        VALSTA,
        2,
        "Kontinuerliga samtal, flera unga slussade till fritidsgården.",
    ),
    (
        "Förlängda öppettider på fritidsgården i Valsta",
        "event",
        "fritid",
        "rapportor.fritid",
        "GREEN",
        ("Centrala Valsta",),
        2,
        "Öppet till 23 fredag och lördag hela perioden.",
    ),
    (
        "Sommarlovsaktiviteter i Märsta norra",
        "event",
        "fritid",
        "rapportor.fritid",
        "CLEAR",
        MARSTA_NORRA,
        2,
        "Aktiviteter varje vardag i sex veckor.",
    ),
    (
        "Föräldramöte om oro i sociala medier",
        "dialogue",
        "skolor",
        "rapportor.skolor",
        "GREEN",
        ("Centrala Märsta",),
        2,
        "Välbesökt möte; uppföljning planeras.",
    ),
    (
        "Prioriterad utredning av rekrytering av unga",
        "investigation",
        "polis",
        "rapportor.polisen",
        "AMBER+STRICT",
        ("Centrala Valsta",),
        2,
        "Utredningen avslutad.",
    ),
    (
        "Samordnad tillsyn av lokaler i Märsta centrum",
        "inspection",
        "kommun",
        "samordnare",
        "AMBER",
        ("Centrala Märsta",),
        3,
        "Tre lokaler inspekterade, två förelägganden.",
    ),
    (
        "Samordnad tillsyn av verkstäder i Rosersberg",
        "inspection",
        "kommun",
        "samordnare",
        "AMBER",
        ("Rosersberg",),
        3,
        "Tillsyn genomförd tillsammans med Skatteverket.",
    ),
    (
        "Gemensam lägesgenomgång om nätverk med grannkommunerna",
        "other",
        "tc",
        "samordnare",
        "AMBER",
        (),
        3,
        "Genomgång hållen; kontaktvägar uppdaterade.",
    ),
    (
        "Väktare vid Valsta centrum nattetid",
        "presence",
        "bevakning",
        "rapportor.bevakning",
        "GREEN",
        ("Centrala Valsta",),
        1,
        "Bevakning fredag–söndag nattetid.",
    ),
    (
        "Trygghetsvandring i Östra Valsta",
        "event",
        "tc",
        "samordnare",
        "CLEAR",
        ("Östra Valsta",),
        1,
        "Tolv brister noterade och skickade till fastighetsägarna.",
    ),
    (
        "Bättre belysning i parkeringsgaragen i Sätuna",
        "environment",
        "forvaltaren",
        "rapportor.forvaltaren",
        "GREEN",
        ("Sätuna",),
        1,
        "Rörelsestyrd belysning installerad.",
    ),
    (
        "Bovärdar kvällstid i Valsta",
        "presence",
        "sigtunahem",
        "rapportor.sigtunahem",
        "GREEN",
        VALSTA,
        1,
        "Bovärdar ute tisdag–torsdag kväll.",
    ),
    (
        "Information om brandrisker i soprum",
        "dialogue",
        "brand",
        "rapportor.brandkaren",
        "GREEN",
        MARSTA_NORRA,
        1,
        "Informationsblad till alla trapphus.",
    ),
)


def _aware(day, hour, minute=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _priority_numbers(partnership):
    from trygg.work.selectors import priorities_for

    priorities = list(priorities_for(partnership))
    if not priorities:
        from trygg.agreement.models import Priority

        priorities = list(
            Priority.objects.filter(agreement__partnership=partnership).order_by(
                "-agreement__start", "number"
            )
        )
    by_number = {}
    for priority in priorities:
        by_number.setdefault(priority.number, priority)
    return by_number


def _seed_actions(partnership, orgs, users, today, rng, areas, priorities):
    created = []
    # Two rounds of the templates make about 40 actions over the last year.
    for round_ in range(2):
        for title, type_, org_key, creator, label, area_names, number, outcome in ACTIONS:
            if round_ == 1:
                title = f"{title} ({'vår' if rng.random() < 0.5 else 'höst'})"
            start = today - dt.timedelta(days=rng.randint(7, 360))
            end = start + dt.timedelta(days=rng.choice((14, 28, 42, 56, 90, 120)))
            actor = users.get(creator) or users["samordnare"]
            action = services.create_action(
                actor=actor,
                partnership=partnership,
                title=title,
                type=type_,
                organisation=orgs[org_key],
                label=label,
                description=f"{title}. Beslutad utifrån lägesbilden.",
                priority=priorities.get(number),
                situation_key=_week_key(start - 3 * ONE_DAY),
                areas=[areas[name] for name in area_names if name in areas],
                contact=actor,
                start=start,
                end=end,
                status=ActionStatus.PLANNED,
            )
            if start <= today:
                services.update_action(
                    actor=actor,
                    partnership=partnership,
                    action=action,
                    status=ActionStatus.ONGOING,
                    note="Startad.",
                )
            if end < today:
                draw = rng.random()
                if draw < 0.8:
                    services.update_action(
                        actor=actor,
                        partnership=partnership,
                        action=action,
                        status=ActionStatus.DONE,
                        outcome=outcome,
                        note="Avslutad.",
                    )
                elif draw < 0.87:
                    services.update_action(
                        actor=actor,
                        partnership=partnership,
                        action=action,
                        status=ActionStatus.CANCELLED,
                        outcome="Avbruten: resurserna behövdes på annat håll.",
                    )
                # else: left ongoing past its end, i.e. overdue
            created.append(action)
    return created


def _week_key(day):
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


# (kind, organisation key, creator, label, areas, weekdays, from hour, hours, people)
PRESENCE_PLANS = (
    ("police_patrol", "polis", "rapportor.polisen", "AMBER", VALSTA[:2], (4, 5), 19, 4, 2),
    ("police_patrol", "polis", "rapportor.polisen", "AMBER", MARSTA_NORRA, (4, 5), 20, 3, 2),
    ("field_workers", "falt", "rapportor.falt", "GREEN", VALSTA, (2, 4), 18, 4, 2),
    ("field_workers", "falt", "rapportor.falt", "GREEN", MARSTA_NORRA, (3,), 18, 4, 2),
    ("night_walkers", "fritid", "rapportor.fritid", "GREEN", VALSTA[:2], (4, 5), 21, 3, 5),
    ("night_walkers", "fritid", "rapportor.fritid", "GREEN", ("Centrala Märsta",), (5,), 21, 3, 4),
    ("caretakers", "sigtunahem", "rapportor.sigtunahem", "GREEN", VALSTA, (1, 2, 3), 16, 4, 1),
)
PRESENCE_WEEKS = 16


def _presence_action(actions, kind, area_names):
    wanted = {"police_patrol": "Fotpatrull", "caretakers": "Bovärdar"}.get(kind)
    if not wanted:
        return None
    for action in actions:
        names = {a.name for a in action.areas.all()}
        if action.title.startswith(wanted) and names & set(area_names):
            return action
    return None


def _seed_presence(partnership, orgs, users, today, rng, areas, actions):
    this_monday = today - dt.timedelta(days=today.weekday())
    cutoff = min(timezone.now(), _aware(today + ONE_DAY, 0))
    count = 0
    for week in range(-PRESENCE_WEEKS, 2):
        monday = this_monday + dt.timedelta(weeks=week)
        for (
            kind,
            org_key,
            creator,
            label,
            area_names,
            weekdays,
            hour,
            hours,
            people,
        ) in PRESENCE_PLANS:
            actor = users.get(creator) or users["samordnare"]
            action = _presence_action(actions, kind, area_names)
            if action is not None and action.label != label:
                action = None
            for weekday in weekdays:
                day = monday + dt.timedelta(days=weekday)
                name = rng.choice(area_names)
                if name not in areas:
                    continue
                starts_at = _aware(day, hour)
                ends_at = starts_at + dt.timedelta(hours=hours)
                if ends_at < cutoff:
                    if rng.random() < 0.1:
                        continue  # not every planned evening happens
                    status = "performed"
                elif week >= 1 and rng.random() < 0.5:
                    status = "planned"
                else:
                    continue
                services.plan_presence(
                    actor=actor,
                    partnership=partnership,
                    organisation=orgs[org_key],
                    kind=kind,
                    area=areas[name],
                    starts_at=starts_at,
                    ends_at=ends_at,
                    people=people,
                    label=label,
                    action=action,
                    status=status,
                )
                count += 1
    return count


def _seed_evaluations(partnership, users, today, areas, actions):
    analyst = users.get("analytiker") or users["samordnare"]
    categories = list(evaluate.default_categories(partnership))
    evaluated = []
    candidates = sorted(
        (
            a
            for a in actions
            if a.start
            and a.areas.exists()
            and (a.end or today) - a.start >= dt.timedelta(days=28)
            and a.start < today - dt.timedelta(days=28)
            and a.label in ("CLEAR", "GREEN", "AMBER")
        ),
        # Presence first (the agreement's main lever), then the longest windows: the
        # more incidents behind a comparison, the more it can tell.
        key=lambda a: (a.type != "presence", a.start - min(a.end or today, today), a.pk),
    )
    for action in candidates:
        if len(evaluated) >= 3:
            break
        windows = evaluate.default_windows(action, today)
        if windows is None:
            continue
        comparison = evaluate.suggest_comparison_areas(
            partnership, action, categories, windows.before
        )
        if not comparison:
            treated = {a.pk for a in action.areas.all()}
            comparison = [
                a
                for a in Area.objects.filter(partnership=partnership, kind=Area.Kind.REGSO)
                if a.pk not in treated
            ][:3]
        if not comparison:
            continue
        evaluated.append(
            services.evaluate_action(
                actor=analyst,
                partnership=partnership,
                action=action,
                categories=categories,
                comparison_areas=comparison,
                before=windows.before,
                after=windows.after,
            )
        )
    return evaluated


def seed(*, partnership, orgs, users, today, rng):
    """About 40 actions over the last year, 16 weeks of presence (and some planned for
    next week), and evaluations of at least two actions."""
    areas = {a.name: a for a in Area.objects.filter(partnership=partnership)}
    priorities = _priority_numbers(partnership)
    actions = _seed_actions(partnership, orgs, users, today, rng, areas, priorities)
    presence = _seed_presence(partnership, orgs, users, today, rng, areas, actions)
    evaluations = _seed_evaluations(partnership, users, today, areas, actions)
    return {
        "actions": Action.objects.filter(partnership=partnership).count(),
        "presence": presence,
        "evaluations": len(evaluations),
    }
