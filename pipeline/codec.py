"""One codec for every topic, shared by confluent-kafka code and Faust: clean JSON via orjson."""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from faust.serializers.codecs import Codec
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


class PydanticCodec(Codec):
    """Faust codec for one model: topics carry the same JSON confluent-kafka code reads."""

    def __init__(self, model: type[Contract], **kwargs: Any) -> None:
        self.model = model
        super().__init__(model=model, **kwargs)

    def _dumps(self, obj: Any) -> bytes:
        if isinstance(obj, Contract):
            return encode(obj)
        return orjson.dumps(obj)

    def _loads(self, s: bytes) -> Any:
        return decode(self.model, s)
