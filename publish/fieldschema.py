"""JSON Schemas of the files people write, generated from the models in publish/fields.py.

The schemas are committed in publish/schemas/ for editors and other tools; a test checks
that they equal what the models generate, so they cannot drift from the loaders.
Regenerate with `python -m publish.fieldschema`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from publish import fields

SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "normalized": (fields.NormalizedFields, "Normalized source front matter"),
    "topic": (fields.TopicFields, "Topic document control (topic.yaml)"),
    "translation": (fields.TranslationFields, "Translation front matter (patient.<tag>.md)"),
    "profile": (fields.ProfileFields, "Clinic profile (publish.toml)"),
    "overrides": (fields.OverridesFile, "Metadata overrides (seeds/overrides.yaml)"),
}
"""Schema file stem -> the model it describes and the schema's title."""

FOLDER = Path(__file__).parent / "schemas"


class _FileSchema(GenerateJsonSchema):
    """Schemas of files as written: an optional field is left out, never null; no titles
    made up from field names."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of file, with every reference inlined."""
    model, title = SCHEMAS[name]
    generated = model.model_json_schema(schema_generator=_FileSchema)
    definitions = {
        key: {k: v for k, v in value.items() if k != "title"}
        for key, value in generated.pop("$defs", {}).items()
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://publish.invalid/schemas/{name}.schema.json",
        **_inline(generated, definitions),
        "title": title,
    }


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    """References replaced by what they name, and null defaults dropped: one readable tree."""
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = definitions[node["$ref"].rsplit("/", 1)[-1]]
        return _inline({**target, **{k: v for k, v in node.items() if k != "$ref"}}, definitions)
    return {
        key: _inline(value, definitions)
        for key, value in node.items()
        if not (key == "default" and value is None)
    }


def render(name: str) -> str:
    return json.dumps(schema(name), indent=2, ensure_ascii=False) + "\n"


def write_all(folder: Path = FOLDER) -> list[Path]:
    """Write every schema file; returns the paths written."""
    written = []
    for name in SCHEMAS:
        path = folder / f"{name}.schema.json"
        path.write_text(render(name), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # python -m publish.fieldschema: regenerate the schemas
    for written in write_all():
        print(f"wrote {written}")
