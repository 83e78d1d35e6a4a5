"""Citations link to the published docs: the organisation file's ``docs[].base_url`` is used
when a folder is ingested without ``--url-base``."""

from __future__ import annotations

from pathlib import Path

from bot.knowledge import configured_url_bases, ingest
from bot.settings import Settings


def test_ingest_takes_the_base_url_from_the_organisation_file(tmp_path: Path) -> None:
    from retrieval import KnowledgeBase

    docs = tmp_path / "site" / "docs"
    docs.mkdir(parents=True)
    (docs / "tokens.md").write_text("# Tokens\n\n## Renewing a token\n\nCall renewToken().\n")
    config = tmp_path / "site" / "deskbot.yaml"
    config.write_text("docs:\n  - path: docs\n    base_url: https://docs.example.com/\n")
    settings = Settings(home=tmp_path / "home", config=config, embedder="hash")
    assert configured_url_bases(settings) == {docs.resolve(): "https://docs.example.com/"}
    kb = KnowledgeBase.open(tmp_path / "index", embedder="hash")
    try:
        ingest(kb, [docs], url_bases=configured_url_bases(settings))
        [hit, *_] = kb.search("renew a token", k=1)
        assert hit.url == "https://docs.example.com/tokens#renewing-a-token"
    finally:
        kb.close()
