"""Finding the place of a police event from the place names in its text. No Django.

The feed's coordinates are the municipality's (or county's) centroid, so the only clue to
the place is the text. A gazetteer is a list of names, each pointing at one leaf area (a
RegSO area) or only at a district (kommundel) when the name covers several leaves (Valsta,
Märsta, Norrbacka). :meth:`Gazetteer.match` finds the names in a text (whole words,
case-insensitive, also with a genitive s: "Märstas"; not a street named after the place:
"Steninge allé") and decides:

- exactly one leaf named: the leaf, even when a district's name is used loosely around it
  ("Östra Steninge i Märsta": Märsta is also the postal town of Steninge and Valsta);
- otherwise no leaf ("position unknown"), with the district as a hint when all the names
  found agree on one district.

A name used as a reference point ("norr om Märsta centrum", "i höjd med Arlanda", "Arlanda
Express") counts only as its district.

It records the words that matched, so a coordinator can see why.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

# A name followed by one of these is a street named after the place ("Steninge allé" lies
# in Valsta), not the place itself.
STREET_WORDS = (
    r"(?:allé|väg|vägen|gata|gatan|gränd|stig|stigen|backe|backen|led|leden|express)(?!\w)"
)
# A name right after one of these is a reference point, not the place ("strax norr om
# Märsta centrum", "E4 vid trafikplats Arlanda", "i höjd med Arlanda"): it only hints at
# the district.
REFERENCE_BEFORE = re.compile(
    r"(?:(?:norr|söder|öster|väster|nordost|nordväst|sydost|sydväst)\s+om|utanför|nära"
    r"|i\s+höjd\s+med|mot|från|mellan|trafikplats(?:\s+\d+)?|avfart(?:en)?)\s+$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Place:
    name: str
    leaf: Hashable | None  # the one leaf area the name points at, or None
    district: Hashable | None  # the district the name lies in (a hint), or None


@dataclass(frozen=True)
class Match:
    leaf: Hashable | None = None
    district: Hashable | None = None
    words: tuple[str, ...] = field(default_factory=tuple)


def hyphen_parts(name: str, min_length: int = 4) -> list[str]:
    """The parts of a compound area name ("Malmen-Pilsbo" → Malmen, Pilsbo)."""
    parts = [p.strip() for p in name.split("-")]
    return [p for p in parts if len(p) >= min_length] if len(parts) > 1 else []


class Gazetteer:
    def __init__(self, places: Iterable[Place]):
        by_name: dict[str, Place] = {}
        for place in places:
            key = " ".join(place.name.split()).casefold()
            if not key:
                continue
            known = by_name.get(key)
            # A name given twice: a leaf beats a district-only entry (Rosersberg is both the
            # district and its one RegSO area); two different leaves make it district-only.
            if known is None or (known.leaf is None and place.leaf is not None):
                by_name[key] = place
            elif place.leaf is not None and known.leaf != place.leaf:
                same = known.district if known.district == place.district else None
                by_name[key] = Place(known.name, None, same)
        self._places = by_name
        names = sorted(by_name, key=len, reverse=True)
        if names:
            alternatives = "|".join(
                r"\s+".join(re.escape(word) for word in name.split()) for name in names
            )
            self._pattern = re.compile(
                rf"(?<!\w)({alternatives})s?(?!\w)(?!\s+{STREET_WORDS})", re.IGNORECASE
            )
        else:
            self._pattern = None

    def __len__(self):
        return len(self._places)

    def find(self, text: str) -> list[tuple[str, Place]]:
        """(the words as written, the place) for each name found, in order."""
        if not self._pattern or not text:
            return []
        found = []
        for m in self._pattern.finditer(text):
            place = self._places[" ".join(m.group(1).split()).casefold()]
            if place.leaf is not None and REFERENCE_BEFORE.search(
                text[max(0, m.start() - 40) : m.start()]
            ):
                place = Place(place.name, None, place.district)
            found.append((m.group(0), place))
        return found

    def match(self, *texts: str) -> Match:
        found = [hit for text in texts for hit in self.find(text)]
        if not found:
            return Match()
        words = tuple(dict.fromkeys(word for word, _place in found))
        leaves = {place.leaf for _w, place in found if place.leaf is not None}
        districts = {place.district for _w, place in found if place.district is not None}
        if len(leaves) == 1:
            (leaf,) = leaves
            leaf_district = next(p.district for _w, p in found if p.leaf == leaf)
            return Match(leaf=leaf, district=leaf_district, words=words)
        district = next(iter(districts)) if len(districts) == 1 else None
        return Match(leaf=None, district=district, words=words)
