from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.chunker import chunk_document
from retrieval.loaders import LoadError, is_document, load_document
from retrieval.types import Document, Section

from .conftest import FIXTURES, KBFactory


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


def _faq_rows(doc: Document) -> list[str]:
    return [s.text for s in doc.sections]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        # Notepad's UTF-8 byte-order mark hid the front matter: the title was lost and
        # "---\ntitle: ..." became the page's first passage.
        (
            "bom.md",
            "\ufeff---\ntitle: 令牌续期\n---\n\n# 续期\n\n在过期前调用 renewToken。\n".encode(),
        ),
        # Chinese Windows editors save GBK: such a page was skipped as "not UTF-8 text".
        (
            "gbk.md",
            "---\ntitle: 令牌续期\n---\n\n# 续期\n\n在过期前调用 renewToken。\n".encode("gbk"),
        ),
        (
            "utf16.md",
            "---\ntitle: 令牌续期\n---\n\n# 续期\n\n在过期前调用 renewToken。\n".encode("utf-16"),
        ),
    ],
    ids=["utf-8-bom", "gbk", "utf-16"],
)
def test_pages_saved_in_other_encodings_are_read_as_written(
    tmp_path: Path, name: str, data: bytes
) -> None:
    (tmp_path / name).write_bytes(data)
    doc = load_document(tmp_path / name, source=name, root=tmp_path)
    assert doc.title == "令牌续期"
    assert [(s.heading_path, s.text) for s in doc.sections] == [
        (("续期",), "在过期前调用 renewToken。")
    ]


def test_an_excel_csv_faq_in_gbk_is_read(tmp_path: Path) -> None:
    rows = "问题,答案\n怎么登录？,调用 login 方法，传入 token。\n消息最多多长？,最长 5000 字。\n"
    (tmp_path / "faq.csv").write_bytes(rows.encode("gbk"))
    doc = load_document(tmp_path / "faq.csv", source="faq.csv", root=tmp_path)
    text = "\n".join(_faq_rows(doc)) + " ".join(h for s in doc.sections for h in s.heading_path)
    assert "调用 login 方法" in text and "消息最多多长" in text
    assert "\ufffd" not in text


def test_a_gbk_faq_sheet_is_ingested_and_found(tmp_path: Path, make_kb: KBFactory) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    rows = "问题,答案\n怎么登录？,调用 login 方法，传入 token。\n"
    (folder / "faq.csv").write_bytes(rows.encode("gbk"))
    kb = make_kb()
    report = kb.ingest([folder])
    assert report.skipped == [] and report.chunks == 1
    (hit,) = kb.search("怎么登录", k=1)
    assert "调用 login 方法" in hit.text
