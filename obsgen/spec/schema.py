"""JSON Schema of spec v1, generated from the pydantic models (`obsgen schema`)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from obsgen.spec.routing import Routing
from obsgen.spec.service import API_VERSION, Service, Settings

SCHEMA_ID = "https://obsgen.dev/schema/obsgen-v1.json"


def schema() -> dict[str, Any]:
    document = Annotated[Service | Settings | Routing, Field(discriminator="kind")]
    body: dict[str, Any] = TypeAdapter(document).json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"obsgen spec ({API_VERSION})",
        "description": "One document of an obsgen spec file (kind: Service, Settings or Routing).",
        **body,
    }


def schema_text() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
