"""JSON Schemas for the provisioning files gdash writes (alerting files use gdash.validate's schema)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from ..errors import Location
from ..validate import Problem
from ..validate.validator import json_path


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads(resources.files(__package__).joinpath("schemas", name).read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)  # tests check the schemas themselves


def validate_document(document: dict[str, Any], schema: str, relpath: str) -> list[Problem]:
    return [
        Problem(Location(relpath), "provisioning", json_path(error.absolute_path), error.message)
        for error in sorted(_validator(schema).iter_errors(document), key=lambda e: list(e.absolute_path))
    ]
