"""A fetch worker loads before its first page what extraction would otherwise load on it."""

from __future__ import annotations

import subprocess
import sys

# In a fresh interpreter, so no earlier test has loaded any of it.
PROBE = """
from dateparser.languages.loader import LocaleDataLoader
from pipeline.extract import language, warm_up
before = (language._identifier.cache_info().currsize, len(LocaleDataLoader._loaded_locales))
warm_up()
print(*before, language._identifier.cache_info().currsize, len(LocaleDataLoader._loaded_locales))
"""


def test_warm_up_loads_the_language_model_and_dateparsers_locales() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True)
    model_before, locales_before, model_after, locales_after = map(int, done.stdout.split())
    assert (model_before, locales_before) == (0, 0)
    assert model_after == 1
    # htmldate hands a date in words to dateparser, which reads every locale the first time.
    assert locales_after > 100
