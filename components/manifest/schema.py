"""The manifest's JSON Schema, generated from the pydantic models."""

from __future__ import annotations

from typing import Any

SCHEMA_ID = "https://scheduled-jobs.dev/schemas/manifest.schema.json"


def manifest_schema() -> dict[str, Any]:
    from components.manifest.model import Manifest

    schema = Manifest.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Scheduled job manifest (AWS Copilot format)",
        **{k: v for k, v in schema.items() if k != "title"},
    }
