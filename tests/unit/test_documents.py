from pathlib import Path

import pytest

from pipeline.documents import Unreadable, describe_skipped, expand, find_documents, read_all, read_capture
from pipeline.models import Capture, DeadLetter

LIMIT = 10 * 1024 * 1024


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty document"),
        ("blank.txt", b" \n\n\t ", "empty document"),
        ("binary.txt", bytes(range(256)) * 64, "binary content, not a text or HTML document"),
        ("latin1.txt", "Caf\u00e9 cr\u00e8me, d\u00e9j\u00e0 vu. ".encode("latin-1") * 20, "invalid UTF-8"),
    ],
)
def test_unreadable_documents_say_why(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    with pytest.raises(Unreadable) as caught:
        read_capture(write(tmp_path, name, data), max_bytes=LIMIT)
    assert caught.value.reason == reason
    assert caught.value.detail


def test_a_50_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        out.truncate(50 * 1024 * 1024)
    with pytest.raises(Unreadable) as caught:
        read_capture(path, max_bytes=LIMIT)
    assert caught.value.reason == "document too large"
    assert "52428800 bytes" in (caught.value.detail or "")


def test_every_file_becomes_a_capture_or_a_dead_letter(tmp_path: Path) -> None:
    good = write(tmp_path, "a.txt", b"A sentence of news text that is long enough.\n")
    html = write(tmp_path, "b.html", b"<html><body><p>Hello</p></body></html>")
    bad = write(tmp_path, "c.txt", b"")
    items = list(read_all([tmp_path], max_bytes=LIMIT))
    assert [type(i) for i in items] == [Capture, Capture, DeadLetter]
    assert isinstance(items[0], Capture) and items[0].content_type == "text/plain" and items[0].source == str(good)
    assert isinstance(items[1], Capture) and items[1].content_type == "text/html" and items[1].source == str(html)
    assert isinstance(items[2], DeadLetter) and items[2].stage == "read" and items[2].source == str(bad)


def test_capture_ids_are_deterministic(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"Same text, same id.")
    assert read_capture(path, max_bytes=LIMIT).capture_id == read_capture(path, max_bytes=LIMIT).capture_id


def test_directories_recurse_and_names_are_not_repeated(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    a = write(tmp_path, "sub/a.txt", b"x")
    write(tmp_path, "sub/skip.bin", b"x")
    assert expand([tmp_path, a]) == [a]


def test_an_html_file_in_its_declared_charset_is_read_not_refused(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="iso-8859-1"></head><body><p>Die Brücke über die Förde ist offen.</p></body></html>'
    )
    (tmp_path / "seite.html").write_bytes(page.encode("latin-1"))
    (tmp_path / "notiz.txt").write_bytes("Die Brücke über die Förde ist offen.".encode("latin-1"))
    html, text = read_all([tmp_path / "seite.html", tmp_path / "notiz.txt"], max_bytes=1 << 20)
    assert isinstance(html, Capture) and "Brücke über die Förde" in html.body
    assert isinstance(text, DeadLetter) and text.reason == "invalid UTF-8"  # plain text has no charset to declare


def test_files_below_a_directory_that_are_no_documents_are_counted_by_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<html><p>x</p></html>")
    (tmp_path / "b.txt.gz").write_bytes(b"")
    for name in ("c.pdf", "d.PDF", "e.tar.gz", "README"):
        (tmp_path / name).write_bytes(b"x")
    corpus = find_documents([tmp_path])
    assert [p.name for p in corpus.files] == ["a.html", "b.txt.gz"]
    assert corpus.skipped == {".pdf": 2, ".tar.gz": 1, "": 1}
    assert (
        describe_skipped(corpus.skipped) == "skipped 4 files not named as a document (.pdf 2, (no suffix) 1, .tar.gz 1)"
    )
    assert describe_skipped(find_documents([tmp_path / "a.html"]).skipped) is None
