"""One codec for every topic: clean JSON via orjson."""

from __future__ import annotations

from typing import TypeVar

import orjson
from pydantic import ValidationError

from pipeline.models import Contract

M = TypeVar("M", bound=Contract)


class DecodeError(ValueError):
    """A message that is not a valid payload of the expected model."""


def encode(payload: Contract) -> bytes:
    return orjson.dumps(payload.model_dump(mode="json"))


def decode(model: type[M], data: bytes | None) -> M:
    if data is None:
        raise DecodeError(f"empty message where a {model.__name__} was expected")
    try:
        return model.model_validate(orjson.loads(data))
    except (orjson.JSONDecodeError, ValidationError) as exc:
        raise DecodeError(f"not a valid {model.__name__}: {exc}") from exc


def decode_all(model: type[M], data: bytes | None, *, many: bool) -> list[M | DecodeError]:
    """The payloads of a record: one, or when ``many`` may be several (a JSON array of them, as a
    batched topic's records are), each decoded or the error that it is not valid. A record that is
    not a payload (or with ``many`` an array of them) at all, or an empty array, raises DecodeError."""
    if data is None:
        raise DecodeError(f"empty message where a {model.__name__} was expected")
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"not a valid {model.__name__}: {exc}") from exc
    if not (many and isinstance(parsed, list)):
        try:
            return [model.model_validate(parsed)]
        except ValidationError as exc:
            raise DecodeError(f"not a valid {model.__name__}: {exc}") from exc
    if not parsed:
        raise DecodeError(f"an empty array where {model.__name__} payloads were expected")
    items: list[M | DecodeError] = []
    for element in parsed:
        try:
            items.append(model.model_validate(element))
        except ValidationError as exc:
            items.append(DecodeError(f"not a valid {model.__name__}: {exc}"))
    return items
