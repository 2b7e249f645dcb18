"""The Faust app: dedup, date-stamp and claims agents chained through topics."""
