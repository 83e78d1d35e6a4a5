from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.chunker import chunk_document
from retrieval.loaders import LoadError, is_document, load_document
from retrieval.types import Document, Section

from .conftest import FIXTURES


def load(rel: str):
    return load_document(FIXTURES / rel, source=rel, root=FIXTURES)


def test_mdx_front_matter_components_fragments_and_code() -> None:
    doc = load("quickstart.mdx")
    assert doc.title == "Android quick start"
    assert doc.metadata["platform"] == "android"
    text = "\n".join(s.text for s in doc.sections)
    assert "<Aside" not in text and "<Tab" not in text and "import " not in text
    assert "minimum supported Android API level is 23" in text  # component text kept
    assert "PigeonClient.connect(token)" in text
    assert "Contact support with your app ID" in text  # imported fragment inlined
    headings = [s.heading_path for s in doc.sections]
    assert ("Install the SDK",) in headings
    assert ("Connect", "Reconnection backoff") in headings
    install = next(s for s in doc.sections if s.heading_path == ("Install the SDK",))
    assert install.anchor == "install"
    # A '#' line inside a fence is code, not a heading, and the fence stays whole.
    assert '// # not a heading: code is kept whole\n    implementation "com.pigeon' in install.text


def test_chunks_carry_heading_path_title_and_url() -> None:
    chunks = chunk_document(load("quickstart.mdx"), url_base="https://docs.example.com/")
    install = next(c for c in chunks if c.heading_path == ("Install the SDK",))
    assert install.url == "https://docs.example.com/quickstart#install"
    assert install.context == "Android quick start > Install the SDK"
    assert install.text.count("```") == 2


def test_html_sections_skip_scripts_and_nav() -> None:
    doc = load("errors.html")
    assert doc.title == "Error codes"
    headings = [s.heading_path[-1] for s in doc.sections if s.heading_path]
    assert headings == ["40104 token expired", "50001 rate limited"]
    text = " ".join(s.text for s in doc.sections)
    assert "ignore me" not in text and "Home | Docs" not in text
    assert "client.renewToken(newToken)" in text
    assert doc.sections[1].anchor == "e40104"


def test_rst_and_text() -> None:
    rst = load("limits.rst")
    assert rst.title == "Message limits"
    assert [s.heading_path for s in rst.sections] == [("Message size",), ("Rate",)]
    txt = load("changelog.txt")
    assert txt.title == "Release notes"
    assert "message reactions" in txt.sections[0].text


def test_faq_yaml_and_csv_one_chunk_per_pair() -> None:
    yaml_doc = load("faq/general.yaml")
    csv_doc = load("faq/billing.csv")
    assert yaml_doc.kind == csv_doc.kind == "faq"
    assert yaml_doc.metadata["product"] == "pigeon"
    chunks = chunk_document(yaml_doc) + chunk_document(csv_doc)
    assert [c.heading_path[0] for c in chunks] == [
        "How long does an access token last?",
        "Which regions host the service?",
        "How do I upgrade my plan?",
        "Can I get an invoice?",
    ]
    assert "24 hours" in chunks[0].text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bad.yaml", "faq: [unclosed", "bad YAML"),
        ("list.yaml", "just: a mapping\n", "not a FAQ"),
        ("blob.txt", b"\x00\x01binary", "binary"),
        ("latin.md", "caf\xe9".encode("latin-1"), "UTF-8"),
        ("half.csv", "question,answer\nonly a question,\n", "lacks"),
    ],
)
def test_broken_files_raise_load_error(tmp_path: Path, name: str, content, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(LoadError, match=reason):
        load_document(path, source=name, root=tmp_path)


def test_partials_licences_and_unknown_types_are_not_documents(tmp_path: Path) -> None:
    assert not is_document(FIXTURES / "partials" / "_support.mdx")
    assert not is_document(tmp_path / "LICENSE.txt")
    assert not is_document(tmp_path / "photo.png")
    assert is_document(FIXTURES / "quickstart.mdx")


def test_h1_repeating_the_front_matter_title_is_not_a_section(tmp_path: Path) -> None:
    page = tmp_path / "logs.md"
    page.write_text(
        "---\ntitle: Collect logs\n---\n\n# Collect logs\n\nIntro.\n\n## Android\n\nadb.\n"
    )
    doc = load_document(page, source="logs.md", root=tmp_path)
    assert [s.heading_path for s in doc.sections] == [(), ("Android",)]


def test_a_long_table_is_split_between_rows_with_its_header_on_each_piece() -> None:
    rows = [
        f"| {4000 + n} | `failure{n}` | Something failed in step {n} of the call. |"
        for n in range(80)
    ]
    long_code = "```\n" + "\n".join(f"line {n} of a long sample" for n in range(120)) + "\n```"
    table = "| Code | Name | Meaning |\n| ---- | ---- | ------- |\n" + "\n".join(rows)
    doc = Document(
        source="errors.md",
        title="Error codes",
        sections=[Section(("Error code list",), table), Section(("Sample",), long_code)],
    )
    chunks = chunk_document(doc)
    pieces = [c for c in chunks if c.heading_path == ("Error code list",)]
    assert len(pieces) > 1 and all(len(c.text) <= 1500 for c in pieces)
    assert all(c.text.startswith("| Code | Name | Meaning |\n| ---- |") for c in pieces)
    assert sum(c.text.count("| 40") for c in pieces) == 80  # every row once
    (sample,) = [c for c in chunks if c.heading_path == ("Sample",)]
    assert sample.text == long_code  # code is never split
