"""The date-stamp stage: publication date, precision and resolved date expressions of an article."""

from pipeline.datestamp.expressions import find_date_expressions, resolve_date
from pipeline.datestamp.stamp import stamp

__all__ = ["find_date_expressions", "resolve_date", "stamp"]
