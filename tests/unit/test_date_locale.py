import pytest

from pipeline.datestamp.locale import date_order


@pytest.mark.parametrize(
    ("language", "url", "order"),
    [
        ("en-US", None, "MDY"),
        ("en_GB", "https://example.com/a", "DMY"),
        ("de", None, "DMY"),
        ("en", "https://news.example.co.uk/a", "DMY"),
        ("en", "https://example.com/a", "MDY"),
        (None, "https://example.de/a", "DMY"),
        (None, None, "MDY"),
        ("en", "https://example.ph/a", "MDY"),
        ("en", "https://portal.example.com/en-gb/news/a", "DMY"),
        (None, "https://portal.example.com/en-us/news/a", "MDY"),
        ("en", "https://example.com/news/en-gb-guide", "MDY"),
        ("en-US", "https://portal.example.com/en-gb/news/a", "MDY"),
    ],
)
def test_date_order(language: str | None, url: str | None, order: str) -> None:
    assert date_order(language, url) == order
