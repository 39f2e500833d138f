#!/usr/bin/python3
"""Validates OME-Zarr images written as NGFF 0.5 (Zarr v3) against NGFF 0.5's JSON schemas.

For each image folder given: the group's zarr.json must be a Zarr v3 group (zarr_format 3, node_type group) whose
`attributes` pass image.schema (and strict_image.schema, which also asks for the multiscale's name, type and
metadata: written with a pyramid), and each level's array zarr.json must name its dimensions as the axes do, as
NGFF 0.5 requires. The schemas are the copies in scripts/ngff-0.5-schemas (see its README), resolved offline.

    /usr/bin/python3 scripts/ngff_schema_check.py out/img.ome.zarr [more.ome.zarr ...]

Needs python3-jsonschema (Debian: apt-get install python3-jsonschema), 4.x for JSON Schema 2020-12.
"""
import json
import os
import sys

import jsonschema

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ngff-0.5-schemas")


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return json.load(f)


SCHEMAS = {name: load(name) for name in ("image.schema", "strict_image.schema", "_version.schema")}
STORE = {s["$id"]: s for s in SCHEMAS.values()}


def errors(schema, instance):
    resolver = jsonschema.RefResolver.from_schema(schema, store=STORE)
    validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
    return [e.message for e in validator.iter_errors(instance)]


def check(image):
    if not os.path.isfile(os.path.join(image, "zarr.json")):
        kind = "a Zarr v2 image (NGFF 0.4: .zattrs)" if os.path.isfile(os.path.join(image, ".zattrs")) else "no Zarr v3 group"
        print("FAIL %s: %s; this script checks NGFF 0.5 (Zarr v3) images, as --zarr-format 3 writes them" % (image, kind))
        return False
    with open(os.path.join(image, "zarr.json"), encoding="utf-8") as f:
        group = json.load(f)
    problems = []
    if group.get("zarr_format") != 3 or group.get("node_type") != "group":
        problems.append("zarr.json is not a Zarr v3 group: zarr_format %r, node_type %r"
                        % (group.get("zarr_format"), group.get("node_type")))
    attributes = group.get("attributes", {})
    problems += ["image.schema: " + m for m in errors(SCHEMAS["image.schema"], attributes)]
    ms = attributes.get("ome", {}).get("multiscales", [{}])[0]
    strict = errors(SCHEMAS["strict_image.schema"], attributes)
    if len(ms.get("datasets", [])) > 1:
        problems += ["strict_image.schema: " + m for m in strict]
    if "version" in ms:
        problems.append("multiscales[0] has a 'version', which NGFF 0.5 keeps in 'ome' only")
    axes = [a["name"] for a in ms.get("axes", [])]
    for level in ms.get("datasets", []):
        with open(os.path.join(image, level["path"], "zarr.json"), encoding="utf-8") as f:
            array = json.load(f)
        if array.get("dimension_names") != axes:
            problems.append("%s/zarr.json: dimension_names %r, axes %r" % (level["path"], array.get("dimension_names"), axes))
    print("%s %s: %d level(s), image.schema %s, strict_image.schema %s" % (
        "FAIL" if problems else "ok  ", image, len(ms.get("datasets", [])),
        "passed" if not errors(SCHEMAS["image.schema"], attributes) else "failed",
        "passed" if not strict else "failed (%d: %s)" % (len(strict), strict[0])))
    for p in problems:
        print("  " + p)
    return not problems


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    ok = [check(image) for image in sys.argv[1:]]
    sys.exit(0 if all(ok) else 1)
