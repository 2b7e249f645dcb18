"""Fetching pages and turning fetch requests and captures into articles."""
