"""The views' Kafka clients log nowhere: a view shows when Kafka does not answer, and librdkafka's
own lines would scribble over the terminal view."""

from __future__ import annotations

import logging
from typing import Any

KAFKA_LOG = logging.getLogger("pipeline.views.librdkafka")
KAFKA_LOG.addHandler(logging.NullHandler())
KAFKA_LOG.propagate = False
QUIET: dict[str, Any] = {"logger": KAFKA_LOG}
