"""Demo person-track cases (SSPF and the exit programme) for Sigtuna.

``seed(partnership=..., orgs=..., users=..., today=..., rng=...)`` writes through
``trygg.cases.services`` (so every step is audited) a handful of fictitious cases owned
by Socialtjänsten, with consents in every state: valid, expired, withdrawn and none, and
two closed cases. Names are invented and the personnummer are fictitious (valid check
digits, born 2008-2011 or 1998-2001). Deterministic; ``rng`` is not needed.
"""

import datetime as dt

from trygg.cases import services
from trygg.cases.models import Stage

ALL_SCOPES = ["plan", "meetings", "assessment"]


def _pnr(birth, serial):
    digits = birth[2:] + serial
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return birth + serial + str((10 - total % 10) % 10)


# (programme, name, birth date, serial, days ago opened, stage, consent state, team,
#  commitments [(sector, organisation key, text)], closed (outcome, days ago) or None)
CASES = (
    (
        "sspf",
        "Demo Elev Ett",
        "20100314",
        "123",
        120,
        Stage.IMPLEMENTATION,
        "valid",
        ("skolor", "polisen"),
        (
            ("school", "skolor", "Mentor varje vecka och anpassad studiegång."),
            ("youth_centre", "fritid", "Plats i fritidsgårdens kvällsverksamhet."),
            ("police", "polis", "Orosanmälan följs upp; kontaktpolis håller samtal."),
            ("social", "social", "Familjebehandling två gånger i månaden."),
        ),
        None,
    ),
    (
        "sspf",
        "Demo Elev Två",
        "20090921",
        "456",
        200,
        Stage.FOLLOW_UP,
        "expired",
        ("skolor",),
        (("school", "skolor", "Studiehandledning i matematik."),),
        None,
    ),
    ("sspf", "Demo Elev Tre", "20110102", "789", 10, Stage.INTAKE, "none", (), (), None),
    (
        "exit",
        "Demo Avhoppare Ett",
        "19990505",
        "234",
        90,
        Stage.PLAN,
        "valid",
        ("polisen",),
        (
            ("protection", "polis", "Hotbedömning och skyddsplan."),
            ("housing", "social", "Tillfälligt boende utanför kommunen."),
            ("employment", "social", "Kontakt med arbetsmarknadsenheten."),
        ),
        None,
    ),
    (
        "exit",
        "Demo Avhoppare Två",
        "20010817",
        "567",
        60,
        Stage.ASSESSMENT,
        "withdrawn",
        ("polisen",),
        (),
        None,
    ),
    (
        "sspf",
        "Demo Elev Fyra",
        "20080130",
        "321",
        400,
        Stage.FOLLOW_UP,
        "valid",
        ("skolor",),
        (("school", "skolor", "Återgång till heltid i skolan."),),
        ("goals_met", 30),
    ),
    (
        "exit",
        "Demo Avhoppare Tre",
        "19981212",
        "654",
        500,
        Stage.IMPLEMENTATION,
        "expired",
        (),
        (("treatment", "social", "Missbruksbehandling i öppenvård."),),
        ("partly_met", 90),
    ),
)


def seed(*, partnership, orgs, users, today, rng=None):
    owner = users["handlaggare"]
    helpers = {"skolor": users["handlaggare.skolor"], "polisen": users["handlaggare.polisen"]}
    shared_orgs = [orgs["social"], orgs["skolor"], orgs["polis"], orgs["fritid"]]
    created = []
    for (
        programme,
        name,
        birth,
        serial,
        days_ago,
        stage,
        consent_state,
        team,
        commitments,
        closed,
    ) in CASES:
        opened = today - dt.timedelta(days=days_ago)
        case = services.create_case(
            actor=owner,
            partnership=partnership,
            programme=programme,
            name=name,
            personnummer=_pnr(birth, serial),
            opened_on=opened,
            background="Aktualiserat efter samverkansmöte (demo).",
        )
        for key in team:
            services.add_team_member(actor=owner, case=case, user=helpers[key])
        if consent_state != "none":
            given = opened + dt.timedelta(days=3)
            expires = given + dt.timedelta(days=365)
            if consent_state == "expired":
                expires = min(today - dt.timedelta(days=5), given + dt.timedelta(days=180))
            consent = services.record_consent(
                actor=owner,
                case=case,
                given_by="guardians" if birth >= "2008" else "person",
                given_on=given,
                expires_on=expires,
                organisations=shared_orgs,
                scope=ALL_SCOPES,
            )
            if consent_state == "withdrawn":
                services.withdraw_consent(actor=owner, consent=consent)
        if stage != Stage.INTAKE:
            services.add_assessment(
                actor=owner,
                case=case,
                assessed_on=opened + dt.timedelta(days=14),
                ratings={"school": "high", "peers": "high", "family": "medium", "crime": "medium"},
                protective_factors="Engagerad förälder, intresse för idrott.",
                needs="Stöd i skolan och en meningsfull fritid.",
            )
        for sector, org_key, text in commitments:
            services.add_commitment(
                actor=owner,
                case=case,
                sector=sector,
                organisation=orgs[org_key],
                description=text,
                due_on=opened + dt.timedelta(days=90),
            )
        if commitments:
            services.add_meeting(
                actor=owner,
                case=case,
                held_on=opened + dt.timedelta(days=21),
                participants=", ".join(str(orgs[k]) for _s, k, _t in commitments),
                notes="Gemensam planering. Alla parter bekräftade sina åtaganden.",
                label="AMBER",
            )
        services.add_follow_up(
            actor=owner,
            case=case,
            due_on=today + dt.timedelta(days=7 if days_ago % 2 else -3),
            what="Stäm av planen med alla parter.",
        )
        if stage != Stage.INTAKE:
            services.set_stage(actor=owner, case=case, stage=stage)
        if closed:
            outcome, closed_ago = closed
            services.close_case(
                actor=owner,
                case=case,
                outcome=outcome,
                outcome_note="Avslutat enligt plan (demo).",
                closed_on=today - dt.timedelta(days=closed_ago),
            )
        created.append(case)
    return {"cases": len(created)}
