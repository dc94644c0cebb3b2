"""Demo: Sigtuna's cooperation agreements (2021–2022 and the one in force now), their
priorities, goals and indicators, population figures, commitments, citizen promises and
progress notes. Everything goes through ``trygg.agreement.services`` (so it is audited).

Baselines: the 2021–2022 agreement keeps its real baseline, 2019–2020, which lies before
the demo's generated incidents (the page then says honestly that there is no data); the
current agreement's baseline is 2023–2024, clipped to the first year with generated
incidents (with ``years=1`` only the current agreement's first year has data, and that
year becomes the baseline).
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Min

from trygg.agreement import services
from trygg.agreement.indicators import indicator_series
from trygg.geo.models import Area, FocusArea
from trygg.incidents.models import Category, IncidentCount
from trygg.situation.periods import Period

# DEMO ESTIMATES, not SCB figures: inhabitants per RegSO area in 2024, made up so that
# they sum to about Sigtuna's ~52,000 inhabitants and follow the areas' rough size (the
# Valsta and Märsta areas are the largest). Other years: 1 % growth a year.
POPULATION_2024 = {
    "0191R001": 3900,  # Arenberga-Västra Norrbacka
    "0191R002": 1500,  # Björkbacka-Tilsjö
    "0191R003": 1300,  # Broby
    "0191R004": 2600,  # Centrala Märsta
    "0191R005": 3300,  # Centrala Valsta
    "0191R006": 1900,  # Ekilla
    "0191R007": 1600,  # Malmen-Pilsbo
    "0191R008": 900,  # Märsta Östra omland
    "0191R009": 2400,  # Märstadal
    "0191R010": 1200,  # Odensala-Arlanda omland
    "0191R011": 2700,  # Rosersberg
    "0191R012": 2300,  # Sigtuna centrala
    "0191R013": 1400,  # Sigtuna norra
    "0191R014": 2100,  # Sjudargården-Prästängarna
    "0191R015": 1000,  # Skånela-Steningevik omland
    "0191R016": 2300,  # Steningehöjden-Ölsta by
    "0191R017": 2800,  # Sätuna
    "0191R018": 2600,  # Södra Valsta
    "0191R019": 1700,  # Til-Munkholmen
    "0191R020": 2400,  # Tingvalla
    "0191R021": 2700,  # Västra Valsta
    "0191R022": 3200,  # Östra Norrbacka
    "0191R023": 1400,  # Östra Steninge
    "0191R024": 2800,  # Östra Valsta
}
POPULATION_GROWTH = 0.01

PRIORITIES = [
    (
        "Färre otrygghetsskapande händelser på allmän plats",
        "Mer närvaro framför allt i Valsta och Märsta norra mot våld, narkotikabrott, "
        "olovlig körning, hotfullt beteende och otrygghetsskapande ungdomssamlingar.",
        "Färre otrygghetsskapande händelser på allmän plats i fokusområdena",
    ),
    (
        "Minskad rekrytering av unga till kriminella nätverk och en avhopparverksamhet",
        "Relationsskapande närvaro där unga finns, samverkan mellan skola, fritidsgårdar, "
        "fältverksamhet och socialtjänst, prioriterade utredningar som rör unga och "
        "samordnat stöd till den som vill lämna.",
        "Färre unga i brottsliga sammanhang och stöd till den som vill lämna",
    ),
    (
        "Myndighetssamverkan mot organiserad brottslighet, lokalt och regionalt",
        "Samordnade tillsyner och informationsutbyte mellan kommunen, polisen och andra "
        "myndigheter.",
        "Fler samordnade insatser mot organiserad brottslighet",
    ),
]


def _agreement_period(today):
    """The two-year period (odd start year, as Sigtuna's 2021–2022) containing ``today``."""
    start_year = today.year - (today.year - 2021) % 2
    return dt.date(start_year, 1, 1), dt.date(start_year + 1, 12, 31)


def _populations(actor, partnership, areas, today):
    for year in range(2019, today.year + 1):
        factor = (1 + POPULATION_GROWTH) ** (year - 2024)
        for code, population in POPULATION_2024.items():
            area = areas.get(code)
            if area is not None:
                services.set_population(
                    actor=actor,
                    partnership=partnership,
                    area=area,
                    year=year,
                    population=round(population * factor),
                    source="Demo: uppskattning, inte SCB",
                )


def _agreement(actor, partnership, orgs, *, title, start, end, parties, signed_on):
    return services.save_agreement(
        actor=actor,
        partnership=partnership,
        title=title,
        start=start,
        end=end,
        parties=[orgs[k] for k in parties],
        signed_on=signed_on,
        signatories=(
            "Kommunstyrelsens ordförande, Sigtuna kommun\n"
            "Lokalpolisområdeschef, lokalpolisområde Sollentuna"
        ),
        description=(
            "Överenskommelsen beskriver hur kommunen och polisen tillsammans med "
            "övriga parter arbetar för ökad trygghet och minskad brottslighet."
        ),
    )


def _structure(actor, partnership, agreement):
    goals = []
    for number, (title, description, goal_title) in enumerate(PRIORITIES, start=1):
        priority = services.save_priority(
            actor=actor,
            partnership=partnership,
            agreement=agreement,
            number=number,
            title=title,
            description=description,
        )
        goals.append(
            services.save_goal(
                actor=actor, partnership=partnership, priority=priority, title=goal_title
            )
        )
    return goals


def _computed(**arguments):
    """A computed indicator whose target is 10 % under its baseline level."""
    indicator = services.save_indicator(**arguments)
    series = indicator_series(indicator)
    level = series["baseline"]["value"] if series["baseline"] else None
    if level:
        indicator = services.save_indicator(
            **arguments, indicator=indicator, target_value=round(level * 0.9, 1)
        )
    return indicator


def _indicators(actor, partnership, goals, *, baseline, areas, rng, today, with_rate):
    """The agreement's indicators; returns the manual ones with the values to enter."""
    public = list(Category.objects.filter(partnership=None, public_place=True))
    natverk = list(Category.objects.filter(partnership=None, code="SOCIAL.NATVERK"))
    youth_categories = list(
        Category.objects.filter(
            partnership=None, code__in=["VALD", "NARK", "ORDNING", "SKADA", "SOCIAL"]
        )
    )
    b_start, b_end = baseline
    common = {"actor": actor, "partnership": partnership}
    note_public = (
        "Händelsetyperna som räknas som otrygghetsskapande på allmän plats, på allmän och "
        "halvallmän plats. Händelser med okänd plats (t.ex. polisens publicerade händelser) "
        "räknas inte här."
    )
    for name, focus in (
        ("Otrygghetsskapande händelser på allmän plats i Valsta per månad", "valsta"),
        ("Otrygghetsskapande händelser på allmän plats i Märsta norra per månad", "marsta"),
    ):
        _computed(
            **common,
            goal=goals[0],
            name=name,
            kind="computed",
            categories=public,
            areas=areas[focus],
            place_classes=["public", "semi_public"],
            resolution="month",
            baseline_start=b_start,
            baseline_end=b_end,
            target_direction="decrease",
            data_note=note_public,
        )
    if with_rate:
        _computed(
            **common,
            goal=goals[0],
            name="Otrygghetsskapande händelser per 1 000 invånare, hela kommunen, per tertial",
            kind="computed",
            metric="rate",
            categories=public,
            resolution="tertial",
            baseline_start=b_start,
            baseline_end=b_end,
            target_direction="decrease",
            data_note="Folkmängden i demon är uppskattad, inte SCB:s siffror.",
        )
    survey = services.save_indicator(
        **common,
        goal=goals[0],
        name="Andel som känner sig trygga utomhus på kvällen (trygghetsmätning), %",
        kind="manual",
        unit="procent",
        resolution="year",
        baseline_start=b_start,
        baseline_end=b_end,
        target_direction="increase",
        target_value="70",
        data_note="Kommunens och polisens trygghetsmätning, en gång om året.",
    )
    _computed(
        **common,
        goal=goals[1],
        name="Ungdomsrelaterade rapporter per tertial",
        kind="computed",
        categories=youth_categories,
        age_groups=["youth"],
        resolution="tertial",
        baseline_start=b_start,
        baseline_end=b_end,
        target_direction="decrease",
        data_note="Rapporter där de inblandade angetts som unga.",
    )
    exit_programme = services.save_indicator(
        **common,
        goal=goals[1],
        name="Deltagare i avhopparverksamheten",
        kind="manual",
        unit="antal deltagare",
        resolution="tertial",
        target_direction="increase",
        data_note=(
            "Förs in för hand tills vidare. Kommer från personspåret som anonyma antal, "
            "aldrig som uppgifter om enskilda."
        ),
    )
    services.save_indicator(
        **common,
        goal=goals[1],
        name="Pågående ärenden i SSPF och avhopparverksamheten per tertial",
        kind="cases",
        case_measure="active",
        case_programme="both",
        resolution="tertial",
        target_direction="keep",
        data_note=(
            "Anonyma antal från personärendena; antal 1–4 visas som <5 för alla. "
            "Demons ärenden är påhittade."
        ),
    )
    _computed(
        **common,
        goal=goals[2],
        name="Tecken på kriminella nätverk (SOCIAL.NATVERK) per tertial",
        kind="computed",
        categories=natverk,
        resolution="tertial",
        baseline_start=b_start,
        baseline_end=b_end,
        target_direction="decrease",
    )
    inspections = services.save_indicator(
        **common,
        goal=goals[2],
        name="Genomförda samordnade tillsyner",
        kind="manual",
        unit="antal tillsyner",
        resolution="tertial",
        target_direction="increase",
        target_value="6",
    )
    return survey, exit_programme, inspections


def _manual_values(actor, partnership, indicators, *, start, end, today, rng):
    survey, exit_programme, inspections = indicators
    common = {"actor": actor, "partnership": partnership}
    level = 60 + rng.randrange(3)
    for year in range(start.year - 2, min(end.year, today.year - 1) + 1):
        level += rng.choice((0, 1, 1, 2))
        services.record_indicator_value(
            **common,
            indicator=survey,
            period_key=str(year),
            value=Decimal(level) + Decimal(rng.randrange(10)) / 10,
            note="Trygghetsmätningen (demo)",
        )
    day = start
    while day <= min(end, today):
        tertial_end = Period.containing("tertial", day).end
        if tertial_end >= today:
            break
        services.record_indicator_value(
            **common, indicator=exit_programme, day=day, value=rng.randrange(2, 8)
        )
        services.record_indicator_value(
            **common, indicator=inspections, day=day, value=rng.randrange(3, 9)
        )
        day = tertial_end + dt.timedelta(days=1)


COMMITMENTS = [
    ("polis", 0, "Prioriterad närvaro i Valsta och Märsta norra fredag och lördag kväll"),
    ("polis", 1, "Prioritera utredningar där unga misstänks eller utsätts"),
    ("falt", 1, "Fältverksamheten finns på plats där unga samlas, fyra kvällar i veckan"),
    ("fritid", 1, "Fritidsgårdarna håller öppet längre under lov"),
    ("social", 1, "Socialtjänsten samordnar stödet i avhopparverksamheten"),
    ("kommun", 2, "Kommunen leder samordnade tillsyner av verksamheter med koppling till brott"),
    ("sigtunahem", 0, "Sigtunahem åtgärdar belysning och skymmande vegetation inom två veckor"),
    ("brand", 0, "Brandkåren Attunda följer upp anlagda bränder med bostadsbolagen"),
]
STATUSES = ["done", "ongoing", "ongoing", "not_started"]

PROMISES = [
    (
        "Vi ska synas mer i Valsta centrum kvällstid",
        [
            "Polis och fältarbetare är på plats fredagar och lördagar sedan mars.",
            "Trygghetsvandring med boende genomförd i september.",
        ],
    ),
    (
        "Vi ska göra gångvägarna i Märsta norra tryggare",
        ["Ny belysning i två gångtunnlar.", "Vegetation röjd längs Ekillastråket."],
    ),
    (
        "Vi ska ge unga fler vägar bort från kriminalitet",
        ["Avhopparverksamheten har fått en samordnare på socialtjänsten."],
    ),
]


def _commitments_and_promises(actor, partnership, agreement, goals, orgs, *, rng, today, done):
    for org_key, priority_index, title in COMMITMENTS:
        status = "done" if done else rng.choice(STATUSES)
        commitment = services.save_commitment(
            actor=actor,
            partnership=partnership,
            agreement=agreement,
            organisation=orgs[org_key],
            priority=goals[priority_index].priority,
            title=title,
            status=status,
        )
        if status != "not_started":
            services.add_progress_note(
                actor=actor,
                partnership=partnership,
                commitment=commitment,
                date=min(agreement.end, today) - dt.timedelta(days=rng.randrange(10, 120)),
                text="Uppföljt på avstämningen: arbetet går enligt plan.",
            )
    for title, notes in PROMISES:
        promise = services.save_promise(
            actor=actor,
            partnership=partnership,
            agreement=agreement,
            title=title,
            status="done" if done else "ongoing",
        )
        last = min(agreement.end, today)
        for i, text in enumerate(notes):
            services.add_progress_note(
                actor=actor,
                partnership=partnership,
                promise=promise,
                date=last - dt.timedelta(days=60 * (len(notes) - i)),
                text=text,
            )


def seed(*, partnership, orgs, users, today, rng):
    """Create the demo agreements; returns {"old": Agreement, "current": Agreement}."""
    actor = users["samordnare"]
    areas_by_code = {a.code: a for a in Area.objects.filter(partnership=partnership)}
    focus = {f.name: list(f.areas.all()) for f in FocusArea.objects.filter(partnership=partnership)}
    areas = {"valsta": focus.get("Valsta", []), "marsta": focus.get("Märsta norra", [])}
    _populations(actor, partnership, areas_by_code, today)

    # The 2021–2022 agreement, with its real baseline 2019–2020.
    old = _agreement(
        actor,
        partnership,
        orgs,
        title=(
            "Samverkansöverenskommelse mellan Sigtuna kommun och lokalpolisområde "
            "Sollentuna 2021–2022"
        ),
        start=dt.date(2021, 1, 1),
        end=dt.date(2022, 12, 31),
        parties=["kommun", "polis", "sigtunahem", "brand"],
        signed_on=dt.date(2020, 12, 15),
    )
    old_goals = _structure(actor, partnership, old)
    old_manual = _indicators(
        actor,
        partnership,
        old_goals,
        baseline=(dt.date(2019, 1, 1), dt.date(2020, 12, 31)),
        areas=areas,
        rng=rng,
        today=today,
        with_rate=True,
    )
    _manual_values(
        actor, partnership, old_manual, start=old.start, end=old.end, today=today, rng=rng
    )
    _commitments_and_promises(
        actor, partnership, old, old_goals, orgs, rng=rng, today=today, done=True
    )

    # The agreement in force now; baseline 2023–2024 within the generated data.
    start, end = _agreement_period(today)
    first = IncidentCount.objects.filter(partnership=partnership).aggregate(m=Min("date"))["m"]
    baseline_start = (
        max(dt.date(start.year - 2, 1, 1), dt.date(first.year, 1, 1)) if first else None
    )
    baseline_end = dt.date(start.year - 1, 12, 31)
    if baseline_start is None or baseline_start > baseline_end:
        baseline_start = dt.date(start.year, 1, 1)
        baseline_end = dt.date(start.year, 12, 31)
    current = _agreement(
        actor,
        partnership,
        orgs,
        title=(
            "Samverkansöverenskommelse mellan Sigtuna kommun och lokalpolisområde "
            f"Sollentuna {start.year}–{end.year}"
        ),
        start=start,
        end=end,
        parties=["kommun", "polis", "sigtunahem", "forvaltaren", "brand"],
        signed_on=start - dt.timedelta(days=20),
    )
    goals = _structure(actor, partnership, current)
    manual = _indicators(
        actor,
        partnership,
        goals,
        baseline=(baseline_start, baseline_end),
        areas=areas,
        rng=rng,
        today=today,
        with_rate=True,
    )
    _manual_values(actor, partnership, manual, start=start, end=end, today=today, rng=rng)
    _commitments_and_promises(
        actor, partnership, current, goals, orgs, rng=rng, today=today, done=False
    )
    return {"old": old, "current": current}


ANNUAL_SUMMARY = (
    "Lägesbilden har under året visat flest otrygghetsskapande händelser i Valsta och "
    "Märsta norra, med toppar kring valborg, sommarlovet och nyår. Skadegörelse och "
    "ungdomssamlingar på allmän plats har varit vanligast; polisens publicerade händelser "
    "bekräftar bilden i stort."
)
ANNUAL_ASSESSMENT = (
    "Samverkan har hållit veckans avstämning nästan varje vecka och rapporteringen från "
    "partnerna har blivit jämnare. Närvaron i fokusområdena har ökat, men utvärderingarna "
    "visar ännu ingen säker förändring i antalet händelser: underlaget per område är litet. "
    "Arbetet fortsätter med samma prioriteringar; rapporteringen från skolorna behöver bli "
    "regelbundnare."
)


def seed_annual_report(*, partnership, users, today):
    """Last year's annual report, written and approved (after the actions are seeded, so
    the actions done and their evaluations are in it), and this year's as a draft."""
    coordinator = users["samordnare"]
    last_year = today.year - 1
    services.save_annual_texts(
        actor=coordinator,
        partnership=partnership,
        year=last_year,
        summary=ANNUAL_SUMMARY,
        assessment=ANNUAL_ASSESSMENT,
    )
    services.approve_annual_report(actor=coordinator, partnership=partnership, year=last_year)
    services.save_annual_texts(
        actor=coordinator,
        partnership=partnership,
        year=today.year,
        summary="Utkast: sammanfattningen skrivs i januari när året är slut.",
    )
