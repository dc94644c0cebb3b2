import shutil
import sqlite3

import pytest

from trygg.geo import geometry
from trygg.geo.services import DATA_DIR, SIGTUNA_GPKG

TESTKOMMUN_GPKG = DATA_DIR / "regso_2025_testkommun.gpkg"  # Norsjö (2417), 2 RegSO areas
SIGTUNA_GEOJSON = DATA_DIR / "sigtuna_regso_2025_wgs84.geojson"


@pytest.fixture(scope="session")
def sigtuna_features():
    return geometry.read_gpkg_layer(SIGTUNA_GPKG, "0191")


@pytest.fixture
def gpkg_copy(tmp_path):
    """A writable copy of the Sigtuna extract, and a function to run SQL on it."""
    path = tmp_path / "copy.gpkg"
    shutil.copy(SIGTUNA_GPKG, path)

    def execute(sql, params=()):
        with sqlite3.connect(path) as connection:
            connection.execute(sql, params)
        connection.close()
        return path

    return path, execute


@pytest.fixture
def sigtuna(db):
    from trygg.core.services import create_partnership

    return create_partnership(
        actor=None,
        name="Trygghetscenter Sigtuna",
        slug="sigtuna",
        municipality_code="0191",
        municipality_name="Sigtuna",
    )
