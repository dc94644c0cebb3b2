"""Extract one municipality's RegSO areas from SCB's national GeoPackage.

    python -m trygg.geo.extract_gpkg RegSO_2025.gpkg regso_2025_0191.gpkg 0191

The result is a valid GeoPackage holding the gpkg_* metadata tables and only the
municipality's rows of the layer. The spatial index (rtree tables and the triggers that
keep it, which need SpatiaLite functions) is left out, and so is its gpkg_extensions row.
"""

import argparse
import sqlite3
import sys
from pathlib import Path

import shapely

from .geometry import REGSO_LAYER, GeoDataError, parse_gpkg_geometry

RTREE_EXTENSION = "gpkg_rtree_index"


def extract_municipality(source, target, municipality_code, *, layer=REGSO_LAYER):
    """Write ``target`` with the rows of ``layer`` whose kommunkod is the code; return
    how many rows were written."""
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise GeoDataError("file_missing", f"{source} does not exist", path=str(source))
    if target.exists():
        target.unlink()
    connection = sqlite3.connect(target)
    try:
        count = _copy(connection, source, municipality_code, layer)
        connection.commit()
        connection.execute("VACUUM")
    except BaseException:
        connection.close()
        target.unlink(missing_ok=True)
        raise
    connection.close()
    return count


def _copy(connection, source, municipality_code, layer):
    connection.execute("ATTACH DATABASE ? AS src", (f"{source.resolve().as_uri()}?mode=ro",))
    try:
        schema = connection.execute(
            "SELECT name, sql FROM src.sqlite_master WHERE type = 'table'"
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        raise GeoDataError(
            "not_sqlite", f"{source} is not an SQLite database", path=str(source)
        ) from exc
    tables = dict(schema)
    if layer not in tables:
        raise GeoDataError(
            "no_layer", f"{source} has no layer {layer}", path=str(source), layer=layer
        )
    for (value,) in connection.execute("PRAGMA src.application_id"):
        connection.execute(f"PRAGMA main.application_id = {int(value)}")
    for (value,) in connection.execute("PRAGMA src.user_version"):
        connection.execute(f"PRAGMA main.user_version = {int(value)}")

    metadata_tables = [name for name in tables if name.startswith("gpkg_")]
    for name in metadata_tables:
        connection.execute(tables[name])
        columns = {row[1] for row in connection.execute(f'PRAGMA src.table_info("{name}")')}
        condition = "1"
        if "table_name" in columns:
            condition = "(table_name IS NULL OR table_name = :layer OR table_name LIKE 'gpkg%')"
        if name == "gpkg_extensions":
            condition += " AND extension_name != :rtree"
        connection.execute(
            f'INSERT INTO main."{name}" SELECT * FROM src."{name}" WHERE {condition}',
            {"layer": layer, "rtree": RTREE_EXTENSION},
        )

    connection.execute(tables[layer])
    count = connection.execute(
        f'INSERT INTO main."{layer}" SELECT * FROM src."{layer}" WHERE kommunkod = ?',
        (municipality_code,),
    ).rowcount
    if count == 0:
        raise GeoDataError(
            "unknown_municipality",
            f"{source} has no areas with municipality code {municipality_code}",
            path=str(source),
            code=municipality_code,
        )
    _update_extent(connection, layer)
    connection.commit()
    connection.execute("DETACH DATABASE src")
    return count


def _update_extent(connection, layer):
    """Set the layer's bounding box in gpkg_contents to the extracted rows' extent."""
    (geometry_column,) = connection.execute(
        "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)
    ).fetchone()
    geometries = [
        parse_gpkg_geometry(blob)[1]
        for (blob,) in connection.execute(f'SELECT "{geometry_column}" FROM main."{layer}"')
    ]
    min_x, min_y, max_x, max_y = (float(v) for v in shapely.total_bounds(geometries))
    connection.execute(
        "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, "
        "last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE table_name = ?",
        (min_x, min_y, max_x, max_y, layer),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="the national GeoPackage, e.g. RegSO_2025.gpkg")
    parser.add_argument("target", help="the GeoPackage to write (replaced if it exists)")
    parser.add_argument("kommunkod", help="4-digit municipality code, e.g. 0191")
    parser.add_argument("--layer", default=REGSO_LAYER)
    args = parser.parse_args(argv)
    try:
        count = extract_municipality(args.source, args.target, args.kommunkod, layer=args.layer)
    except GeoDataError as exc:
        print(f"extract_gpkg: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote {count} areas of municipality {args.kommunkod} to {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
