"""Builders for tests (kept in the package so every app's tests can use them)."""

from types import SimpleNamespace

from trygg.core import services as core
from trygg.core.models import Organisation, Role
from trygg.geo.models import Area

PASSWORD = "test-lösenord-som-är-långt"

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[17.80, 59.60], [17.90, 59.60], [17.90, 59.65], [17.80, 59.65], [17.80, 59.60]]
    ],
}


def build_world():
    p = core.create_partnership(
        actor=None,
        name="Samverkan P",
        slug="p",
        municipality_code="0191",
        municipality_name="Sigtuna",
    )
    q = core.create_partnership(
        actor=None,
        name="Samverkan Q",
        slug="q",
        municipality_code="0181",
        municipality_name="Södertälje",
    )
    org_a = core.create_organisation(
        actor=None, name="Organisation A", kind=Organisation.Kind.MUNICIPALITY, partnership=p
    )
    unit_a1 = core.create_organisation(
        actor=None, name="Enhet A1", parent=org_a, kind=Organisation.Kind.MUNICIPALITY
    )
    org_b = core.create_organisation(
        actor=None, name="Organisation B", kind=Organisation.Kind.HOUSING, partnership=p
    )
    org_q = core.create_organisation(
        actor=None, name="Organisation Q", kind=Organisation.Kind.MUNICIPALITY, partnership=q
    )
    users = {}
    for role in Role:
        user = core.create_user(
            actor=None,
            email=f"{role.value}@a.example",
            organisation=org_a,
            password=PASSWORD,
            partnership=p,
        )
        core.set_membership(actor=None, user=user, partnership=p, role=role)
        users[role.value] = user
    users["unit_reporter"] = core.create_user(
        actor=None, email="reporter@a1.example", organisation=unit_a1, password=PASSWORD
    )
    core.set_membership(actor=None, user=users["unit_reporter"], partnership=p, role=Role.REPORTER)
    users["other_org_reporter"] = core.create_user(
        actor=None, email="reporter@b.example", organisation=org_b, password=PASSWORD
    )
    core.set_membership(
        actor=None, user=users["other_org_reporter"], partnership=p, role=Role.REPORTER
    )
    users["other_partnership_coordinator"] = core.create_user(
        actor=None, email="coordinator@q.example", organisation=org_q, password=PASSWORD
    )
    core.set_membership(
        actor=None,
        user=users["other_partnership_coordinator"],
        partnership=q,
        role=Role.COORDINATOR,
    )
    users["no_role"] = core.create_user(
        actor=None, email="norole@a.example", organisation=org_a, password=PASSWORD
    )
    area_p = Area.objects.create(
        partnership=p,
        kind=Area.Kind.MUNICIPALITY,
        code="0191",
        name="Sigtuna kommun",
        geometry=SQUARE,
    )
    area_q = Area.objects.create(
        partnership=q,
        kind=Area.Kind.MUNICIPALITY,
        code="0181",
        name="Södertälje kommun",
        geometry=SQUARE,
    )
    return SimpleNamespace(
        p=p,
        q=q,
        org_a=org_a,
        unit_a1=unit_a1,
        org_b=org_b,
        org_q=org_q,
        users=users,
        area_p=area_p,
        area_q=area_q,
    )
