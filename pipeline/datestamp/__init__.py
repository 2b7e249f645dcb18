"""The date-stamp stage: publication date, precision and resolved date expressions of an article."""

from pipeline.datestamp.expressions import find_date_expressions, resolve_date
from pipeline.datestamp.stamp import date_expressions, publication, stamp, undated

__all__ = ["date_expressions", "find_date_expressions", "publication", "resolve_date", "stamp", "undated"]
