"""The language of an article's text (py3langid, whose model ships in its wheel), and the page's
language from what it declares and what its text is."""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

from pipeline.extract.text_lines import reads_as_english

SAMPLE_CHARS = 500  # on the public benchmark: the same language as from 2,000 characters on all 181 pages
MIN_CHARS = 40
MIN_CONFIDENCE = 0.5


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def warm_up() -> None:
    """Load the language model, which is otherwise read on the first page that needs it."""
    _identifier()


def _sample(text: str) -> str:
    return " ".join(text[:SAMPLE_CHARS].split())


def detect_language(text: str) -> str | None:
    """An ISO 639-1 code, or None when the text is too short or the model is unsure."""
    sample = _sample(text)
    if len(sample) < MIN_CHARS:
        return None
    language, confidence = _identifier().classify(sample)
    return str(language) if confidence >= MIN_CONFIDENCE else None


def page_language(declared: str | None, text: str) -> str | None:
    """The declared tag (it may carry a region, which dates are read by) unless the text is
    confidently in another language: templates often declare one language for every page.
    A page declared English whose text is as dense in English stop words as English prose is
    taken at its word without the model (most pages, at a tenth of the cost)."""
    if declared and declared.split("-")[0] == "en" and reads_as_english(_sample(text)):
        return declared
    detected = detect_language(text)
    if declared is None or (detected is not None and declared.split("-")[0] != detected):
        return detected or declared
    return declared
