"""Story threads and their claim timelines for people: ``news-ingest stories list|show``.

``threads`` builds the view (pure); ``from_topics`` and ``from_postgres`` read what it is built from.
"""
