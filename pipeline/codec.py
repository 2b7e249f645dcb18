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
