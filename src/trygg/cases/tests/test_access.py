"""Every URL of the track × organisation × consent state (none, valid, expired, withdrawn).

Hand-written expectations: the owning organisation's case worker uses every page in every
consent state; organisation B's case worker on the team opens the case's team pages only
under a valid consent (else 404, as if the case did not exist) and never the owner's
pages (403 under a valid consent, 404 otherwise); B's case worker who is not on the team
gets 404 everywhere. POST-only URLs answer 405 to GET before any case is looked up, so
they are checked with POST.
"""

import pytest
from django.test import Client
from django.urls import reverse

from trygg.core import services as core
from trygg.core.models import Role
from trygg.testing import PASSWORD

from .conftest import give_consent, make_case

STATES = ("none", "valid", "expired", "withdrawn")
SUBJECTS = ("owner", "team_b", "outsider_b")

# URL name -> (extra kwargs builder, method, outcome for owner, for team_b under a valid
# consent). Anyone else, and team_b without a valid consent: 404.
URLS = {
    "cases:detail": ("get", 200, 200),
    "cases:purpose": ("get", 302, 302),
    "cases:team": ("get", 200, 403),
    "cases:consent": ("get", 200, 403),
    "cases:reference": ("get", 200, 200),
    "cases:commitment": ("get", 200, 403),
    "cases:meeting": ("get", 200, 200),
    "cases:assessment": ("get", 200, 403),
    "cases:follow_up": ("get", 200, 403),
    "cases:close": ("get", 200, 403),
    "cases:export": ("get", 200, 403),
    "cases:export_pdf": ("get", 200, 403),
    "cases:stage": ("post", 302, 403),
    "cases:team_remove": ("post", 302, 403),
    "cases:consent_withdraw": ("post", 302, 403),
    "cases:commitment_status": ("post", 302, 302),
    "cases:follow_up_done": ("post", 302, 403),
}


def expected(name, subject, state):
    _method, owner, team_b = URLS[name]
    if subject == "owner":
        return owner
    if subject == "team_b" and state == "valid":
        return team_b
    return 404


def build(world, state):
    outsider = core.create_user(
        actor=None, email="outsider@b.example", organisation=world.org_b, password=PASSWORD
    )
    core.set_membership(actor=None, user=outsider, partnership=world.p, role=Role.CASE_WORKER)
    case = make_case(world)
    consent = give_consent(world, case, state=state) if state != "none" else None
    from trygg.cases import services

    owner = world.users["case_worker"]
    commitment = services.add_commitment(
        actor=owner, case=case, sector="school", organisation=world.org_b, description="Mentor"
    )
    follow_up = services.add_follow_up(actor=owner, case=case, due_on=world.today, what="x")
    member_b = case.team.get(user=world.users["case_worker_b"])
    if consent is None:
        # A consent of another case, so that the withdraw URL has something to point at.
        other = make_case(world, name="Annan", pnr="200909093320", with_b=False)
        consent = give_consent(world, other)
        consent_case = other
    else:
        consent_case = case
    users = {"owner": owner, "team_b": world.users["case_worker_b"], "outsider_b": outsider}
    kwargs = {
        "cases:team_remove": {"member_pk": member_b.pk},
        "cases:consent_withdraw": {"consent_pk": consent.pk},
        "cases:commitment_status": {"commitment_pk": commitment.pk},
        "cases:follow_up_done": {"follow_up_pk": follow_up.pk},
    }
    return case, users, kwargs, consent_case


def post_data(name):
    return {
        "cases:stage": {"stage": "assessment"},
        "cases:commitment_status": {"status": "ongoing"},
    }.get(name, {})


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_every_url_by_organisation_and_consent_state(cases_world, state):
    case, users, kwargs, consent_case = build(cases_world, state)
    failures = []
    # The state-changing POSTs go last and in an order that keeps the world intact.
    order = [n for n in URLS if URLS[n][0] == "get"] + [
        "cases:commitment_status",
        "cases:stage",
        "cases:follow_up_done",
        "cases:team_remove",
        "cases:consent_withdraw",
    ]
    for subject in ("outsider_b", "team_b", "owner"):
        client = Client()
        client.force_login(users[subject])
        for name in order:
            method = URLS[name][0]
            pk = consent_case.pk if name == "cases:consent_withdraw" else case.pk
            url = reverse(name, kwargs={"pk": pk, **kwargs.get(name, {})})
            if name == "cases:consent_withdraw" and consent_case != case:
                continue  # only meaningful for the case's own consent
            if name == "cases:team_remove" and subject == "owner":
                continue  # keep B on the team for the other subjects' checks
            response = getattr(client, method)(url, post_data(name))
            want = expected(name, subject, state)
            if response.status_code != want:
                failures.append(f"{name} as {subject} ({state}): {response.status_code} != {want}")
        assert client.get(reverse("cases:list")).status_code == 200
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_get_on_post_only_urls_is_405_for_everyone_with_the_role(cases_world):
    case, users, kwargs, _c = build(cases_world, "none")
    client = Client()
    client.force_login(users["outsider_b"])
    for name, (method, *_rest) in URLS.items():
        if method == "post":
            url = reverse(name, kwargs={"pk": case.pk, **kwargs.get(name, {})})
            assert client.get(url).status_code == 405


@pytest.mark.django_db
def test_withdrawal_closes_the_case_page_at_once(cases_world):
    case = make_case(cases_world)
    consent = give_consent(cases_world, case)
    client = Client()
    client.force_login(cases_world.users["case_worker_b"])
    detail = reverse("cases:detail", kwargs={"pk": case.pk})
    client.post(reverse("cases:purpose", kwargs={"pk": case.pk}), {"purpose": "mote"})
    assert "Mentor" not in client.get(detail).content.decode()
    assert client.get(detail).status_code == 200
    owner = Client()
    owner.force_login(cases_world.users["case_worker"])
    url = reverse("cases:consent_withdraw", kwargs={"pk": case.pk, "consent_pk": consent.pk})
    assert owner.post(url).status_code == 302
    assert client.get(detail).status_code == 404
    assert case.code not in client.get(reverse("cases:list")).content.decode()
