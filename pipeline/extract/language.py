"""The language of an article's text (py3langid, whose model ships in its wheel), and the page's
language from what it declares and what its text is."""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

SAMPLE_CHARS = 2000
MIN_CHARS = 40
MIN_CONFIDENCE = 0.5


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """An ISO 639-1 code, or None when the text is too short or the model is unsure."""
    sample = " ".join(text[:SAMPLE_CHARS].split())
    if len(sample) < MIN_CHARS:
        return None
    language, confidence = _identifier().classify(sample)
    return str(language) if confidence >= MIN_CONFIDENCE else None


def page_language(declared: str | None, text: str) -> str | None:
    """The declared tag (it may carry a region, which dates are read by) unless the text is
    confidently in another language: templates often declare one language for every page."""
    detected = detect_language(text)
    if declared is None or (detected is not None and declared.split("-")[0] != detected):
        return detected or declared
    return declared
