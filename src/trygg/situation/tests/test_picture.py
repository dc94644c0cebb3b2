"""The numbers of a lägesbild: tables from the rollup, flags, overview, layers."""

import datetime

import pytest

from trygg.core.models import Organisation
from trygg.core.services import create_organisation
from trygg.incidents.models import Label, Source
from trygg.situation.picture import build_picture

from .conftest import WEEK, add_incidents, cluster_positions, random_positions, refresh_rollup

pytestmark = pytest.mark.django_db


def row_index(picture, name):
    return next(i for i, row in enumerate(picture["rows"]) if row["name"] == name)


def group_index(picture, code):
    return next(i for i, group in enumerate(picture["groups"]) if group["code"] == code)


def test_counts_roll_up_from_regso_area_to_district_focus_area_and_municipality(sigtuna):
    regso = next(a for a in sigtuna.sigtuna.regso.values() if a.parent_id)
    add_incidents(sigtuna, area=regso, day=WEEK.start, n=3)
    add_incidents(sigtuna, area=regso, day=WEEK.start - datetime.timedelta(days=7), n=2)
    add_incidents(sigtuna, area=regso, day=WEEK.start - datetime.timedelta(days=100), n=4)
    add_incidents(sigtuna, area=sigtuna.area_p, day=WEEK.end, n=1, located=False)
    refresh_rollup(sigtuna)

    picture = build_picture(sigtuna.p, WEEK)

    g = group_index(picture, "VALD")
    table = picture["table"]
    r = row_index(picture, regso.name)
    assert table["current"]["groups"][r][g] == 3
    assert table["previous"]["groups"][r][g] == 2
    assert table["baseline"]["groups"][r][g] == 2 + 4
    district = sigtuna.sigtuna.districts[regso.parent.name]
    d = row_index(picture, district.name)
    assert table["current"]["groups"][d][g] == 3
    total = row_index(picture, "Hela kommunen")
    # the municipality counts the incident whose place is unknown too
    assert table["current"]["groups"][total][g] == 4
    assert picture["overview"]["total"] == 4
    focus_rows = [row for row in picture["rows"] if row["kind"] == "focus"]
    assert focus_rows and picture["rows"][0]["kind"] == "focus"
    assert [row["kind"] for row in picture["rows"]][-1] == "total"


def test_a_surge_is_flagged_and_explains_itself(sigtuna):
    regso = next(iter(sigtuna.sigtuna.regso.values()))
    for week in range(1, 53):
        add_incidents(sigtuna, area=regso, day=WEEK.start - datetime.timedelta(weeks=week))
    add_incidents(sigtuna, area=regso, day=WEEK.start, n=14)
    refresh_rollup(sigtuna)

    picture = build_picture(sigtuna.p, WEEK)

    flagged = {(f["row_name"], f["group"]) for f in picture["flags"]}
    assert (regso.name, "VALD") in flagged
    flag = next(f for f in picture["flags"] if (f["row_name"], f["group"]) == (regso.name, "VALD"))
    assert flag["count"] == 14
    assert flag["baseline_per_period"] == pytest.approx(1.0)
    assert flag["direction"] == "up"
    assert flag["family_size"] == picture["family_size"]
    assert picture["family_size"] == len(picture["rows"]) * (len(picture["groups"]) + 1)

    from trygg.situation.render import flag_sentence

    sentence = flag_sentence(flag, "week")
    assert sentence.startswith("14 händelser den här veckan mot 1 i veckan")
    assert f"{picture['family_size']} jämförelser" in sentence


def test_a_quiet_week_flags_nothing(sigtuna):
    regso = next(iter(sigtuna.sigtuna.regso.values()))
    for week in range(0, 53):
        add_incidents(sigtuna, area=regso, day=WEEK.start - datetime.timedelta(weeks=week), n=2)
    refresh_rollup(sigtuna)
    assert build_picture(sigtuna.p, WEEK)["flags"] == []


def test_reporting_compliance_names_silent_partners_but_not_the_police_feed(sigtuna):
    regso = next(iter(sigtuna.sigtuna.regso.values()))
    add_incidents(sigtuna, area=regso, day=WEEK.start, organisation=sigtuna.org_a)
    add_incidents(
        sigtuna,
        area=regso,
        day=WEEK.start - datetime.timedelta(weeks=3),
        organisation=sigtuna.org_b,
        reporter=sigtuna.users["other_org_reporter"],
    )
    police = create_organisation(
        actor=None, name="Polisen Märsta", kind=Organisation.Kind.POLICE, partnership=sigtuna.p
    )
    add_incidents(
        sigtuna, area=regso, day=WEEK.start, organisation=police, source=Source.POLICE_FEED
    )
    refresh_rollup(sigtuna)

    silent = {s["organisation"]: s for s in build_picture(sigtuna.p, WEEK)["overview"]["silent"]}

    assert "Organisation A" not in silent
    assert silent["Organisation B"]["weeks"] == 3
    assert silent["Polisen Märsta"]["more"] is True  # police feed events are no report


def test_points_carry_what_the_visibility_decision_needs_and_police_events_are_no_points(
    sigtuna,
):
    regso = next(iter(sigtuna.sigtuna.regso.values()))
    [red] = add_incidents(
        sigtuna,
        area=regso,
        day=WEEK.start,
        label=Label.RED,
        recipients=[sigtuna.users["coordinator"]],
    )
    add_incidents(sigtuna, area=regso, day=WEEK.start, source=Source.POLICE_FEED)
    refresh_rollup(sigtuna)

    picture = build_picture(sigtuna.p, WEEK)

    [point] = picture["points"]
    assert point["id"] == red.pk
    assert point["label"] == "RED"
    assert point["recipients"] == [sigtuna.users["coordinator"].pk]
    assert point["reported_by"] == sigtuna.users["reporter"].pk
    assert picture["police_by_area"] == [{"area": regso.name, "count": 1}]


def test_a_planted_cluster_shows_as_a_hotspot(sigtuna):
    import random

    rng = random.Random(4)
    regsos = list(sigtuna.sigtuna.regso.values())
    for area in regsos:
        for lat, lon in random_positions(area, 8, rng):
            day = WEEK.end - datetime.timedelta(days=rng.randrange(0, 28))
            add_incidents(sigtuna, area=area, day=day, positions=[(lat, lon)])
    target = regsos[0]
    add_incidents(
        sigtuna, area=target, day=WEEK.start, n=30, positions=cluster_positions(target, 30, rng)
    )
    refresh_rollup(sigtuna)

    hotspots = build_picture(sigtuna.p, WEEK)["hotspots"]

    assert hotspots["cells"], "the cluster should be found"
    assert {cell["area"] for cell in hotspots["cells"]} == {target.name}
    assert all(cell["window_count"] >= 5 for cell in hotspots["cells"])
    assert all(cell["new"] for cell in hotspots["cells"])  # nothing in the 13 weeks before


def test_the_picture_of_an_empty_partnership_is_well_formed(world):
    picture = build_picture(world.q, WEEK)
    assert picture["flags"] == []
    assert picture["points"] == []
    assert picture["hotspots"]["cells"] == []
    assert picture["overview"]["total"] == 0


def test_the_density_layer_is_drawn_only_from_incidents_every_detail_role_may_see(sigtuna):
    import random

    rng = random.Random(2)
    target = next(iter(sigtuna.sigtuna.regso.values()))
    add_incidents(
        sigtuna,
        area=target,
        day=WEEK.start,
        n=10,
        label=Label.RED,
        positions=cluster_positions(target, 10, rng),
    )
    refresh_rollup(sigtuna)
    assert build_picture(sigtuna.p, WEEK)["hotspots"]["kde"]["cells"] == []

    add_incidents(
        sigtuna, area=target, day=WEEK.start, n=10, positions=cluster_positions(target, 10, rng)
    )
    refresh_rollup(sigtuna)
    kde = build_picture(sigtuna.p, WEEK)["hotspots"]["kde"]
    assert kde["cells"] and {c["level"] for c in kde["cells"]} <= {1, 2, 3, 4}
    assert max(c["level"] for c in kde["cells"]) == 4


def test_a_unit_that_takes_part_itself_reports_for_itself_and_for_its_parent(sigtuna):
    """Fältverksamheten (a unit of the municipality, itself a participant) reporting this
    week is not silent, and neither is the municipality it belongs to."""
    regso = next(iter(sigtuna.sigtuna.regso.values()))
    unit = create_organisation(
        actor=None,
        name="Fältverksamheten",
        kind=Organisation.Kind.MUNICIPALITY,
        parent=sigtuna.org_b,
        partnership=sigtuna.p,
    )
    add_incidents(sigtuna, area=regso, day=WEEK.start, organisation=unit)
    refresh_rollup(sigtuna)

    silent = {s["organisation"] for s in build_picture(sigtuna.p, WEEK)["overview"]["silent"]}

    assert "Fältverksamheten" not in silent
    assert "Organisation B" not in silent
    assert "Organisation A" in silent
