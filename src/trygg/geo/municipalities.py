"""SCB's list of Sweden's 290 municipalities (shipped in ``data/swedish_admin_areas.csv``)."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MUNICIPALITIES_CSV = Path(__file__).resolve().parent / "data" / "swedish_admin_areas.csv"


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    county_code: str
    county_name: str


@cache
def municipalities():
    """All municipalities by their 4-digit code."""
    with MUNICIPALITIES_CSV.open(encoding="utf-8", newline="") as file:
        return {
            row["municipality_code"]: Municipality(
                code=row["municipality_code"],
                name=row["municipality_name"],
                county_code=row["county_code"],
                county_name=row["county_name"],
            )
            for row in csv.DictReader(file)
        }


def municipality(code):
    """The municipality with this code, or None."""
    return municipalities().get(code)
