import pytest


def db_state():
    """Row counts that an import that writes nothing must leave unchanged."""
    from trygg.audit.models import AuditEntry
    from trygg.incidents.models import Incident, IncidentCount, IncidentRevision

    return (
        Incident.objects.count(),
        IncidentCount.objects.count(),
        AuditEntry.objects.count(),
        IncidentRevision.objects.count(),
    )


def assert_rollup_exact():
    from trygg.incidents import rollup

    assert rollup.stored_counts() == rollup.direct_counts()


@pytest.fixture
def reporter(world):
    return world.users["reporter"]
