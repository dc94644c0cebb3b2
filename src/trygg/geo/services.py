"""Writes of the geo domain: RegSO areas, districts (kommundelar) and focus areas, and
locating a point in the partnership's leaf areas.

One function per use case; each validates everything before it writes, and writes and
audits in one transaction.
"""

import math
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.audit.services import record

from . import geometry
from .models import Area, FocusArea

DATA_DIR = Path(__file__).resolve().parent / "data"
SIGTUNA_CODE = "0191"
SIGTUNA_GPKG = DATA_DIR / "regso_2025_0191.gpkg"
SIGTUNA_SOURCE = "SCB RegSO 2025 (regso_2025_0191.gpkg)"

SIGTUNA_DISTRICTS = {
    "Märsta": [
        "Centrala Märsta",
        "Märstadal",
        "Tingvalla",
        "Sätuna",
        "Broby",
        "Arenberga-Västra Norrbacka",
        "Östra Norrbacka",
        "Ekilla",
    ],
    "Valsta": ["Centrala Valsta", "Västra Valsta", "Östra Valsta", "Södra Valsta"],
    "Sigtuna stad": [
        "Sigtuna centrala",
        "Sigtuna norra",
        "Sjudargården-Prästängarna",
        "Malmen-Pilsbo",
        "Til-Munkholmen",
        "Björkbacka-Tilsjö",
    ],
    "Steninge": ["Steningehöjden-Ölsta by", "Östra Steninge"],
    "Rosersberg": ["Rosersberg"],
    "Landsbygd och Arlanda": [
        "Odensala-Arlanda omland",
        "Märsta Östra omland",
        "Skånela-Steningevik omland",
    ],
}

# (name, priority, areas, description): the agreement's priority 1 (DESIGN.md §1).
SIGTUNA_FOCUS_AREAS = [
    (
        "Valsta",
        1,
        ["Valsta"],
        "Mer närvaro mot våld, narkotikabrott, olovlig körning, hotfullt beteende och "
        "otrygghetsskapande ungdomssamlingar.",
    ),
    (
        "Märsta norra",
        2,
        ["Arenberga-Västra Norrbacka", "Östra Norrbacka", "Sätuna"],
        "Mer närvaro mot våld, narkotikabrott, olovlig körning, hotfullt beteende och "
        "otrygghetsskapande ungdomssamlingar.",
    ),
]

# A name given for an area matches a district before a RegSO area before the rest.
_NAME_PREFERENCE = [Area.Kind.DISTRICT, Area.Kind.REGSO, Area.Kind.MUNICIPALITY, Area.Kind.PLACE]


@dataclass
class Changes:
    """What a configuring write did; names or codes per outcome, and the objects."""

    objects: list = field(default_factory=list)
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    deleted: list = field(default_factory=list)

    @property
    def changed(self):
        return bool(self.created or self.updated or self.deleted)

    def counts(self):
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "deleted": len(self.deleted),
        }


@dataclass
class RegsoLoad(Changes):
    """The result of loading RegSO areas; ``created`` etc. hold the RegSO codes."""

    municipality: Area | None = None
    municipality_changed: bool = False
    districts_updated: list = field(default_factory=list)
    not_in_file: list = field(default_factory=list)

    @property
    def changed(self):
        return super().changed or self.municipality_changed or bool(self.districts_updated)


# --- reading files -----------------------------------------------------------------------

_GEODATA_MESSAGES = {
    "file_missing": gettext_lazy("Filen %(path)s finns inte."),
    "not_sqlite": gettext_lazy("Filen %(path)s är ingen GeoPackage-fil (ingen SQLite-databas)."),
    "not_gpkg": gettext_lazy("Filen %(path)s är ingen GeoPackage-fil (gpkg-tabellerna saknas)."),
    "no_layer": gettext_lazy("Filen %(path)s har inget lager som heter %(layer)s."),
    "missing_columns": gettext_lazy(
        "Lagret %(layer)s i filen %(path)s saknar kolumnerna %(columns)s."
    ),
    "missing_values": gettext_lazy("Område %(feature)s i filen %(path)s saknar kod eller namn."),
    "bad_geometry": gettext_lazy(
        "Geometrin för område %(feature)s i filen %(path)s är trasig och går inte att läsa."
    ),
    "not_polygon": gettext_lazy("Område %(feature)s i filen %(path)s är ingen polygon."),
    "invalid_geometry": gettext_lazy(
        "Område %(feature)s i filen %(path)s har en ogiltig geometri."
    ),
    "unknown_municipality": gettext_lazy(
        "Filen %(path)s innehåller inga områden med kommunkoden %(code)s."
    ),
    "bad_municipality_code": gettext_lazy(
        "Kommunkoden %(code)s är ogiltig; den ska vara fyra siffror, till exempel 0191."
    ),
    "duplicate_code": gettext_lazy("Koden %(code)s förekommer flera gånger i filen %(path)s."),
    "wrong_srs": gettext_lazy(
        "Filen %(path)s använder koordinatsystemet %(srs)s; bara SWEREF 99 TM (EPSG:3006) "
        "och WGS84 (EPSG:4326) stöds."
    ),
    "outside_sweden": gettext_lazy(
        "Koordinaterna i filen %(path)s ligger inte i Sverige; kontrollera att filens "
        "koordinatsystem är rätt angivet."
    ),
    "not_geojson": gettext_lazy("Filen %(path)s är ingen GeoJSON-fil med en FeatureCollection."),
    "unsupported_format": gettext_lazy(
        "Filen %(path)s har ett okänt format; använd en GeoPackage (.gpkg) eller GeoJSON "
        "(.geojson)."
    ),
}


def geodata_message(error):
    """The Swedish sentence for a :class:`geometry.GeoDataError`."""
    template = _GEODATA_MESSAGES.get(error.problem)
    if template is None:
        return _("Filen går inte att läsa: %(detail)s") % {"detail": error}
    return str(template) % error.params


def read_regso_file(path, municipality_code, *, crs=None):
    """One municipality's RegSO features from a .gpkg or .geojson file; a problem with the
    file raises ValidationError with one Swedish sentence."""
    try:
        return geometry.read_regso_file(path, municipality_code, crs=crs)
    except geometry.GeoDataError as exc:
        raise ValidationError(geodata_message(exc), code=exc.problem) from exc


# --- RegSO areas -------------------------------------------------------------------------


@transaction.atomic
def load_regso_areas(*, actor, partnership, features, source):
    """Create or update the municipality's root area and one area per RegSO feature.

    ``features`` are :class:`geometry.RegsoFeature` of one municipality, which must be the
    partnership's. The root's geometry is the (modestly simplified) union of the features.
    A RegSO area already placed in a district stays there. Loading the same features again
    changes nothing. RegSO areas of the partnership missing from ``features`` are kept
    (incidents may point at them) and reported in ``not_in_file``.
    """
    features = list(features)
    municipality_code = _validate_regso_features(partnership, features)
    source = source[:200]
    existing = {a.code: a for a in Area.objects.select_for_update().filter(partnership=partnership)}
    expected_kinds = {f.code: Area.Kind.REGSO for f in features}
    expected_kinds[municipality_code] = Area.Kind.MUNICIPALITY
    clashes = sorted(
        code
        for code, kind in expected_kinds.items()
        if code in existing and existing[code].kind != kind
    )
    if clashes:
        raise ValidationError(
            _("Koderna %(codes)s används redan av andra slags områden i den här samverkan.")
            % {"codes": ", ".join(clashes)}
        )

    result = RegsoLoad()
    municipality = existing.get(municipality_code)
    root_fields = {
        "kind": Area.Kind.MUNICIPALITY,
        "name": f"{partnership.municipality_name} kommun",
        "geometry": geometry.union_geojson([f.geometry for f in features]),
        "source": source,
        "parent_id": None,
    }
    if municipality is None:
        municipality = Area.objects.create(
            partnership=partnership, code=municipality_code, **root_fields
        )
        result.municipality_changed = True
    else:
        result.municipality_changed = _update_fields(municipality, root_fields)
    result.municipality = municipality

    kind_by_pk = {a.pk: a.kind for a in existing.values()}
    for feature in features:
        area = existing.get(feature.code)
        wanted = {
            "kind": Area.Kind.REGSO,
            "name": feature.name,
            "geometry": feature.geometry,
            "source": source,
        }
        if area is None:
            area = Area.objects.create(
                partnership=partnership, code=feature.code, parent=municipality, **wanted
            )
            result.created.append(feature.code)
        else:
            if kind_by_pk.get(area.parent_id) != Area.Kind.DISTRICT:
                wanted["parent_id"] = municipality.pk
            if _update_fields(area, wanted):
                result.updated.append(feature.code)
            else:
                result.unchanged.append(feature.code)
        result.objects.append(area)

    loaded = {f.code for f in features}
    result.not_in_file = sorted(
        a.code for a in existing.values() if a.kind == Area.Kind.REGSO and a.code not in loaded
    )
    if result.updated:
        result.districts_updated = _refresh_district_geometries(partnership)
    record(
        "geo.regso_load",
        actor=actor,
        partnership=partnership,
        obj=municipality,
        data={
            "municipality_code": municipality_code,
            "source": source,
            **result.counts(),
            "municipality_changed": result.municipality_changed,
            "created_codes": result.created,
            "updated_codes": result.updated,
            "districts_updated": result.districts_updated,
            "not_in_file": result.not_in_file,
        },
    )
    return result


def _validate_regso_features(partnership, features):
    if not features:
        raise ValidationError(_("Det finns inga RegSO-områden att läsa in."))
    codes = {f.municipality_code for f in features}
    if len(codes) > 1:
        raise ValidationError(
            _("Områdena kommer från flera kommuner (%(codes)s); läs in en kommun i taget.")
            % {"codes": ", ".join(sorted(codes))}
        )
    (municipality_code,) = codes
    if municipality_code != partnership.municipality_code:
        raise ValidationError(
            _(
                "Områdena har kommunkoden %(code)s, men samverkan %(partnership)s gäller "
                "kommunkoden %(expected)s."
            )
            % {
                "code": municipality_code,
                "partnership": partnership.name,
                "expected": partnership.municipality_code,
            }
        )
    seen = set()
    for feature in features:
        if feature.code in seen:
            raise ValidationError(
                _("RegSO-koden %(code)s förekommer flera gånger.") % {"code": feature.code}
            )
        seen.add(feature.code)
        if (
            not feature.code
            or not feature.name
            or len(feature.code) > 40
            or len(feature.name) > 200
        ):
            raise ValidationError(
                _("Område %(code)s saknar kod eller namn, eller har för lång kod eller namn.")
                % {"code": feature.code}
            )
        if geometry.polygon_problem(feature.geometry):
            raise ValidationError(
                _("Område %(code)s har ingen giltig polygon i WGS84.") % {"code": feature.code}
            )
    return municipality_code


def _update_fields(obj, values):
    """Set ``values`` on ``obj`` and save it if any differ; return whether it changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(obj, name, values[name])
    obj.save()
    return True


def _refresh_district_geometries(partnership):
    """Recompute each district's geometry from its RegSO areas; return the changed codes."""
    changed = []
    districts = Area.objects.filter(partnership=partnership, kind=Area.Kind.DISTRICT)
    for district in districts.prefetch_related("children"):
        members = [
            c.geometry for c in district.children.all() if c.kind == Area.Kind.REGSO and c.geometry
        ]
        if members and _update_fields(district, {"geometry": geometry.union_geojson(members)}):
            changed.append(district.code)
    return changed


# --- districts ---------------------------------------------------------------------------


@transaction.atomic
def configure_districts(*, actor, partnership, districts):
    """Make the partnership's districts (kommundelar) exactly ``districts``:
    ``{district name: [RegSO names or codes]}``.

    Each district's geometry is the union of its RegSO areas and its parent the
    municipality; each listed RegSO area's parent becomes its district, and the others'
    the municipality. Districts not listed are removed. A RegSO area may be in one
    district only; RegSO areas need not all be in a district.
    """
    municipality = _municipality_area(partnership)
    regso_areas = list(
        Area.objects.select_for_update().filter(partnership=partnership, kind=Area.Kind.REGSO)
    )
    existing = {
        a.code: a
        for a in Area.objects.select_for_update().filter(
            partnership=partnership, kind=Area.Kind.DISTRICT
        )
    }
    plan = _plan_districts(partnership, municipality, regso_areas, districts)
    codes_in_plan = {code for code, _name, _members in plan}
    to_delete = [d for code, d in existing.items() if code not in codes_in_plan]
    in_focus = (
        FocusArea.areas.through.objects.filter(area__in=to_delete)
        .select_related("area", "focusarea")
        .first()
    )
    if in_focus is not None:
        raise ValidationError(
            _(
                "Kommundelen %(district)s ingår i fokusområdet %(focus_area)s; ta bort den "
                "därifrån innan kommundelen tas bort."
            )
            % {"district": in_focus.area.name, "focus_area": in_focus.focusarea.name}
        )

    result = Changes()
    parent_of = {}
    for code, name, members in plan:
        wanted = {
            "kind": Area.Kind.DISTRICT,
            "name": name,
            "geometry": geometry.union_geojson([m.geometry for m in members]),
            "parent_id": municipality.pk,
        }
        district = existing.get(code)
        if district is None:
            district = Area.objects.create(partnership=partnership, code=code, **wanted)
            result.created.append(name)
        elif _update_fields(district, wanted):
            result.updated.append(name)
        else:
            result.unchanged.append(name)
        result.objects.append(district)
        for member in members:
            parent_of[member.pk] = district.pk
    for area in regso_areas:
        _update_fields(area, {"parent_id": parent_of.get(area.pk, municipality.pk)})
    for district in to_delete:
        try:
            district.delete()
        except ProtectedError as exc:
            raise ValidationError(
                _("Kommundelen %(district)s kan inte tas bort eftersom andra områden ingår i den.")
                % {"district": district.name}
            ) from exc
        result.deleted.append(district.name)

    record(
        "geo.districts_configure",
        actor=actor,
        partnership=partnership,
        obj=municipality,
        data={
            **result.counts(),
            "districts": {name: [m.code for m in members] for _c, name, members in plan},
            "created_names": result.created,
            "updated_names": result.updated,
            "deleted_names": result.deleted,
        },
    )
    return result


def _plan_districts(partnership, municipality, regso_areas, districts):
    """Validate the configuration; return ``[(code, name, [RegSO areas])]``."""
    by_code = {a.code: a for a in regso_areas}
    by_name = {}
    for area in regso_areas:
        by_name.setdefault(area.name.casefold(), []).append(area)
    plan, codes, unknown, ambiguous, district_of = [], set(), [], [], {}
    for raw_name, members in districts.items():
        name = str(raw_name).strip()
        slug = slugify(name)
        if not name or not slug or len(name) > 200:
            raise ValidationError(
                _("Kommundelen %(name)s har inget giltigt namn.") % {"name": repr(raw_name)}
            )
        code = f"{municipality.code}-{slug}"[:40]
        if code in codes:
            raise ValidationError(_("Kommundelen %(name)s finns två gånger.") % {"name": name})
        codes.add(code)
        if isinstance(members, str) or not members:
            raise ValidationError(
                _("Kommundelen %(name)s behöver en lista med minst ett RegSO-område.")
                % {"name": name}
            )
        areas = []
        for ref in members:
            ref = str(ref).strip()
            area = by_code.get(ref)
            if area is None:
                matches = by_name.get(ref.casefold(), [])
                if len(matches) > 1:
                    ambiguous.append(ref)
                    continue
                area = matches[0] if matches else None
            if area is None:
                unknown.append(ref)
                continue
            if area.pk in district_of and district_of[area.pk] != name:
                raise ValidationError(
                    _("RegSO-området %(area)s finns i två kommundelar: %(first)s och %(second)s.")
                    % {"area": area.name, "first": district_of[area.pk], "second": name}
                )
            if area.pk not in district_of:
                district_of[area.pk] = name
                areas.append(area)
        plan.append((code, name, areas))
    if unknown:
        raise ValidationError(
            _("Det finns inga RegSO-områden som heter %(names)s i %(municipality)s.")
            % {"names": ", ".join(unknown), "municipality": municipality.name}
        )
    if ambiguous:
        raise ValidationError(
            _("Flera RegSO-områden heter %(names)s; ange dem med sin RegSO-kod.")
            % {"names": ", ".join(ambiguous)}
        )
    return plan


def _municipality_area(partnership):
    area = Area.objects.filter(
        partnership=partnership,
        kind=Area.Kind.MUNICIPALITY,
        code=partnership.municipality_code,
    ).first()
    if area is None:
        raise ValidationError(
            _("Samverkan %(partnership)s har inga områden ännu; läs in RegSO-områdena först.")
            % {"partnership": partnership.name}
        )
    return area


# --- focus areas -------------------------------------------------------------------------


@transaction.atomic
def configure_focus_areas(*, actor, partnership, focus_areas):
    """Create or update focus areas: ``[(name, priority, [area names or codes],
    description)]`` (the description may be left out).

    An area is named by its code or its name; a name shared by a district and a RegSO
    area means the district. Focus areas not listed are left as they are.
    """
    plan = _plan_focus_areas(partnership, focus_areas)
    existing = {
        f.name: f for f in FocusArea.objects.select_for_update().filter(partnership=partnership)
    }
    result = Changes()
    for name, priority, areas, description in plan:
        focus_area = existing.get(name)
        wanted_ids = {a.pk for a in areas}
        if focus_area is None:
            focus_area = FocusArea.objects.create(
                partnership=partnership, name=name, priority=priority, description=description
            )
            focus_area.areas.set(areas)
            result.created.append(name)
        else:
            changed = _update_fields(focus_area, {"priority": priority, "description": description})
            if set(focus_area.areas.values_list("pk", flat=True)) != wanted_ids:
                focus_area.areas.set(areas)
                changed = True
            (result.updated if changed else result.unchanged).append(name)
        result.objects.append(focus_area)

    record(
        "geo.focus_areas_configure",
        actor=actor,
        partnership=partnership,
        data={
            **result.counts(),
            "focus_areas": [
                {"name": name, "priority": priority, "areas": [a.code for a in areas]}
                for name, priority, areas, _description in plan
            ],
            "created_names": result.created,
            "updated_names": result.updated,
        },
    )
    return result


def _plan_focus_areas(partnership, focus_areas):
    """Validate the configuration; return ``[(name, priority, [areas], description)]``."""
    all_areas = list(Area.objects.filter(partnership=partnership))
    by_code = {a.code: a for a in all_areas}
    by_name = {}
    for area in sorted(all_areas, key=lambda a: _NAME_PREFERENCE.index(a.kind)):
        by_name.setdefault(area.name.casefold(), area)
    plan, names, unknown = [], set(), []
    for spec in focus_areas:
        if len(spec) not in (3, 4):
            raise ValidationError(
                _("Ett fokusområde anges som (namn, prioritet, områden, beskrivning).")
            )
        raw_name, priority, refs, description = (*spec, "")[:4]
        name = str(raw_name).strip()
        if not name or len(name) > 200:
            raise ValidationError(
                _("Fokusområdet %(name)s har inget giltigt namn.") % {"name": repr(raw_name)}
            )
        if name in names:
            raise ValidationError(_("Fokusområdet %(name)s finns två gånger.") % {"name": name})
        names.add(name)
        if (
            isinstance(priority, bool)
            or not isinstance(priority, int)
            or not 1 <= priority <= 32767
        ):
            raise ValidationError(
                _("Fokusområdet %(name)s behöver en prioritet som är ett heltal från 1.")
                % {"name": name}
            )
        if isinstance(refs, str) or not refs:
            raise ValidationError(
                _("Fokusområdet %(name)s behöver en lista med minst ett område.") % {"name": name}
            )
        areas = []
        for ref in refs:
            ref = str(ref).strip()
            area = by_code.get(ref) or by_name.get(ref.casefold())
            if area is None:
                unknown.append(ref)
            elif area not in areas:
                areas.append(area)
        plan.append((name, priority, areas, str(description or "").strip()))
    if unknown:
        raise ValidationError(
            _("Det finns inga områden som heter %(names)s i den här samverkan.")
            % {"names": ", ".join(unknown)}
        )
    return plan


# --- the demo ----------------------------------------------------------------------------


@dataclass
class DemoGeography:
    regso: RegsoLoad
    districts: Changes
    focus_areas: Changes


@transaction.atomic
def setup_sigtuna_demo_geography(*, actor, partnership):
    """Load Sigtuna's shipped RegSO areas, then its districts and focus areas."""
    features = read_regso_file(SIGTUNA_GPKG, SIGTUNA_CODE)
    regso = load_regso_areas(
        actor=actor, partnership=partnership, features=features, source=SIGTUNA_SOURCE
    )
    districts = configure_districts(
        actor=actor, partnership=partnership, districts=SIGTUNA_DISTRICTS
    )
    focus_areas = configure_focus_areas(
        actor=actor, partnership=partnership, focus_areas=SIGTUNA_FOCUS_AREAS
    )
    return DemoGeography(regso=regso, districts=districts, focus_areas=focus_areas)


# --- locating points ---------------------------------------------------------------------

# partnership id -> (fingerprint, AreaIndex). Each use checks the fingerprint against the
# database, so an index is never used after the partnership's leaf areas changed.
_index_cache = {}


def leaf_area_index(partnership):
    """An :class:`geometry.AreaIndex` of the partnership's leaf areas, keyed by Area id.

    The leaves are the RegSO areas; a partnership without any uses its municipality
    area. On a shared border the area with the lower code wins.
    """
    leaves = Area.objects.filter(
        partnership=partnership,
        kind__in=[Area.Kind.REGSO, Area.Kind.MUNICIPALITY],
        geometry__isnull=False,
    )
    fingerprint = tuple(
        leaves.aggregate(count=Count("pk"), max_id=Max("pk"), changed=Max("updated_at")).values()
    )
    cached = _index_cache.get(partnership.pk)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    rows = list(leaves.order_by("code").values_list("pk", "kind", "geometry"))
    regso = [(pk, g) for pk, kind, g in rows if kind == Area.Kind.REGSO]
    index = geometry.AreaIndex(regso or [(pk, g) for pk, _kind, g in rows])
    _index_cache[partnership.pk] = (fingerprint, index)
    return index


def assign_leaf_area(partnership, lat, lon):
    """The leaf area (RegSO area) containing the point; ValidationError outside them."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        lat = lon = math.nan
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError(_("Platsens koordinater är ogiltiga."), code="invalid_coordinates")
    index = leaf_area_index(partnership)
    if not len(index):
        raise ValidationError(
            _(
                "Samverkan %(partnership)s har inga områden med karta ännu; läs in "
                "RegSO-områdena först."
            )
            % {"partnership": partnership.name},
            code="no_areas",
        )
    area_id = index.assign_one(lon, lat)
    if area_id is None:
        raise ValidationError(
            _(
                "Platsen ligger utanför %(municipality)s kommun (%(lat).5f, %(lon).5f). Välj en "
                "plats inom kommunen."
            )
            % {"municipality": partnership.municipality_name, "lat": lat, "lon": lon},
            code="outside_municipality",
        )
    return Area.objects.get(pk=area_id)
