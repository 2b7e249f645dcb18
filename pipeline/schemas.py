"""The JSON Schema of every payload model, as published in ``schemas/``."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.models import PAYLOADS

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"


def rendered() -> dict[str, str]:
    """File name to file content, for every payload model."""
    files = {}
    for model in PAYLOADS:
        schema = model.model_json_schema(mode="serialization")
        version = model.model_fields["schema_version"].default
        name = f"{_snake(model.__name__)}.v{version}.json"
        files[name] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return files


def write(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in rendered().items():
        path = directory / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))
