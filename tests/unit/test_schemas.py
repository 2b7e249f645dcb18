from pipeline import schemas


def test_published_schemas_match_the_models() -> None:
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in schemas.SCHEMA_DIR.glob("*.json")}
    generated = schemas.rendered()
    assert sorted(on_disk) == sorted(generated), "run `news-ingest schemas` and commit schemas/"
    drifted = [name for name, content in generated.items() if on_disk[name] != content]
    assert not drifted, f"schemas drifted from the models: {drifted}; run `news-ingest schemas`"


def test_every_schema_is_versioned_and_closed() -> None:
    for name, content in schemas.rendered().items():
        assert '"schema_version"' in content, name
        assert '"additionalProperties": false' in content, name
