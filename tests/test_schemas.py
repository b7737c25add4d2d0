"""The JSON Schemas gdash ships, and their one loader (gdash.schemas)."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources

import jsonschema
import pytest

from gdash import schemas

NAMES = sorted(p.name for p in resources.files("gdash.schemas").iterdir() if p.name.endswith(".schema.json"))


def test_every_caller_finds_its_schema_here():
    assert {"config.schema.json", "dashboard.schema.json", "alerting.schema.json", "import-input.schema.json",
            "provisioning-dashboards.schema.json", "provisioning-datasources.schema.json"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_shipped_schema_is_a_valid_json_schema(name):
    schema = schemas.load(name)
    jsonschema.validators.validator_for(schema).check_schema(schema)
    assert schemas.validator(name) is schemas.validator(name)  # built once


def test_the_fast_check_and_jsonschema_agree_on_a_definition():
    good = {"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "up"}]}]}
    bad = {"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "up", "labels": [1]}]}]}
    assert schemas.is_valid("import-input.schema.json", good, "prometheus_rules")
    assert schemas.errors("import-input.schema.json", good, "prometheus_rules") == []
    assert not schemas.is_valid("import-input.schema.json", bad, "prometheus_rules")
    (error,) = schemas.errors("import-input.schema.json", bad, "prometheus_rules")
    assert schemas.json_path(error.absolute_path) == "$.groups[0].rules[0].labels"


def test_loading_the_schemas_does_not_import_jsonschema():
    code = ("import sys, gdash.schemas, gdash.config, gdash.validate, gdash.importer;"
            "assert gdash.schemas.is_valid('config.schema.json', {});"
            "print('jsonschema' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
