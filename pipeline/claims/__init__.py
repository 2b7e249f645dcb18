"""The claims stage: attributed statements found by rules, dated with the article's date stamp.

``find_claims(article, stamp)`` is a pure function; the streaming topology wraps it.
"""

from __future__ import annotations

from pipeline.claims.extract import find_claims
from pipeline.claims.sentences import Sentence, split_sentences

__all__ = ["Sentence", "find_claims", "split_sentences"]
