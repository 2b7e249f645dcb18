"""The PostgreSQL sink: the results topics into tables, exactly once.

``migrations`` holds the schema, ``rows`` maps payloads to rows (pure), ``store`` writes a batch
and its offsets in one transaction, ``loop`` is the consumer.
"""
