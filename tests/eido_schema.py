"""NENA's EIDO JSON schema (tests/data/reference/eido/openapi.yaml) as a validator.

`eido_errors(document)` lists where a document breaks the schema, each as its JSON path
and the reason, e.g. ``$.agencyComponent[0]: 'agencyRoleDescriptionRegistryText' is a
required property``. The schema's NIEM components (person, organisation, vehicle) live in
files NENA ships separately; they are taken as open objects here, as nothing we send
carries them.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMA = Path(__file__).resolve().parent / "data" / "reference" / "eido" / "openapi.yaml"
ROOT = "urn:nena:eido:openapi"


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _outside(spec: Any) -> dict[str, Any]:
    """A stand-in for each NIEM component the schema names (NIEMComponents/*.yaml, not in
    the reference copy): any object passes."""
    names = {ref.rsplit("/", 1)[-1] for ref in _refs(spec) if not ref.startswith("#")}
    return {"components": {"schemas": {name: {"type": "object"} for name in names}}}


_COUNTS = ("minItems", "maxItems", "minLength", "maxLength")


def _numbers_as_numbers(node: Any) -> Any:
    """The schema writes some counts as text (``minItems: 1,`` is the string "1,"); a
    validator wants numbers. Nothing else is changed."""
    if isinstance(node, dict):
        return {
            k: int(v.strip(" ,")) if k in _COUNTS and isinstance(v, str) else _numbers_as_numbers(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_numbers_as_numbers(v) for v in node]
    return node


@functools.cache
def _validator() -> Draft7Validator:
    spec = _numbers_as_numbers(yaml.safe_load(SCHEMA.read_text(encoding="utf-8")))
    stand_in = Resource.from_contents(_outside(spec), default_specification=DRAFT7)
    registry: Registry[Any] = Registry(retrieve=lambda _uri: stand_in).with_resource(  # type: ignore[call-arg]
        ROOT, Resource.from_contents(spec, default_specification=DRAFT7)
    )
    return Draft7Validator(
        {"$ref": f"{ROOT}#/components/schemas/EmergencyIncidentDataObjectType"},
        registry=registry,
    )


def eido_errors(document: Any) -> list[str]:
    """Every place the document breaks NENA's schema; empty when it validates."""
    return sorted(
        f"{error.json_path}: {error.message}" for error in _validator().iter_errors(document)
    )
