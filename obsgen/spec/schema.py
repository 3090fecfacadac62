"""JSON Schema of spec v1, generated from the pydantic models (`obsgen schema`)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import Field, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue

from obsgen.spec.routing import Routing
from obsgen.spec.service import API_VERSION, ServiceSpec, Settings

SCHEMA_ID = "https://obsgen.dev/schema/obsgen-v1.json"


class _UserNames(GenerateJsonSchema):
    """The names users know: a spec model class is `SLOSpec` (obsgen's build stage has an
    `SLO` of its own), but the schema and the reference call it SLO, as the specs do."""

    def normalize_name(self, name: str) -> str:
        return super().normalize_name(name.removesuffix("Spec"))

    def model_schema(self, schema: Any) -> JsonSchemaValue:
        out = super().model_schema(schema)
        title = out.get("title")
        if isinstance(title, str):
            out["title"] = title.removesuffix("Spec")
        return out


def schema() -> dict[str, Any]:
    document = Annotated[ServiceSpec | Settings | Routing, Field(discriminator="kind")]
    body: dict[str, Any] = TypeAdapter(document).json_schema(
        by_alias=True, schema_generator=_UserNames)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"obsgen spec ({API_VERSION})",
        "description": "One document of an obsgen spec file (kind: Service, Settings or Routing).",
        **body,
    }


def schema_text() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
