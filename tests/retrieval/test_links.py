"""Links between doc pages: what counts as one, and how many pages link to each."""

from __future__ import annotations

from pathlib import Path

from retrieval.links import extract_links, inbound_counts, slug


def test_page_links_in_each_format_are_found_as_site_paths() -> None:
    text = """
See [tokens](/docs/auth/token#ttl "Tokens") and [renewal](../auth/renew.md).
[ref]: ./limits.mdx
<a href="/docs/presence/">presence</a> and <Link href='/docs/push?lang=js'>push</Link>.
Read `the guide <guide.html>`_ and :doc:`Setup <../setup/index>`.
"""
    assert extract_links(text, source="docs/chat/messages.md") == [
        "docs/auth/token",
        "docs/auth/renew",
        "docs/chat/limits",
        "docs/presence",
        "docs/push",
        "docs/chat/guide",
        "docs/setup",
    ]


def test_outside_links_anchors_and_assets_are_not_page_links() -> None:
    text = (
        "[site](https://example.com/docs/a) [mail](mailto:x@example.com) [here](#options) "
        "![diagram](../img/flow.png) [spec](./openapi.yaml) [up](../../../outside.md)"
    )
    assert extract_links(text, source="docs/a.md") == []


def test_a_page_path_is_its_published_path() -> None:
    assert slug("docs/src/pages/docs/auth/token/index.mdx") == "docs/src/pages/docs/auth/token"
    assert slug("/Docs/Chat/README.md") == "docs/chat"
    assert slug("index.md") == ""


def test_inbound_counts_each_linking_page_once_and_only_unambiguous_targets() -> None:
    links = {
        "docs/src/pages/docs/auth/token/index.mdx": ["docs/auth/token"],  # itself: not counted
        "docs/src/pages/docs/chat/a.mdx": ["docs/auth/token", "docs/auth/token", "overview"],
        "docs/src/pages/docs/rtc/b.mdx": ["docs/auth/token", "docs/chat/a"],
        "docs/src/pages/docs/chat/overview.mdx": [],
        "docs/src/pages/docs/rtc/overview.mdx": [],  # "overview" names two pages: no count
    }
    assert inbound_counts(links) == {
        "docs/src/pages/docs/auth/token/index.mdx": 2,
        "docs/src/pages/docs/chat/a.mdx": 1,
    }


def test_among_close_passages_the_page_others_link_to_comes_first(kb_over) -> None:
    guide = "# Token lifetime\n\nA token lasts 24 hours; renew it before it expires.\n"
    pages = {
        "auth/tokens.md": guide,
        "products/spaces/tokens.md": guide.replace("A token", "A Spaces token"),
    }
    pages |= {
        f"guides/g{n}.md": f"# Guide {n}\n\nStep {n} of the tour: see [tokens](../auth/tokens.md)."
        for n in range(5)
    }
    kb = kb_over(pages)
    hits = kb.search("how long does a token last before it expires?", k=2)
    assert hits[0].source == "auth/tokens.md"


def test_links_follow_their_files(docs: Path, make_kb) -> None:
    (docs / "linker.md").write_text("# Linker\n\nSee [the quick start](quickstart.mdx).\n")
    kb = make_kb(persistent=True)
    kb.ingest([docs])
    assert inbound_counts(kb.store.links).get("quickstart.mdx") == 1
    kb.close()
    kb = make_kb(persistent=True)  # kept with the index
    assert inbound_counts(kb.store.links).get("quickstart.mdx") == 1
    (docs / "linker.md").unlink()
    kb.ingest([docs])
    assert "quickstart.mdx" not in inbound_counts(kb.store.links)


def test_the_link_prior_orders_passages_but_does_not_make_a_question_look_covered(
    kb_over, monkeypatch
) -> None:
    """A well-linked page sharing a question's words moves up; how much of the question the
    docs cover is still judged on the passages that match it best."""
    import retrieval.search as search

    pages = {
        "share.md": "# Screen sharing\n\nShare one window or the whole desktop.",
        "sdk/a.md": "# The SDK on Android\n\nInstall the SDK with Gradle; the SDK is small.",
        "sdk/b.md": "# The SDK on iOS\n\nInstall the SDK with CocoaPods; the SDK is small.",
        "sdk/c.md": "# The SDK on the Web\n\nInstall the SDK with npm; the SDK is small.",
    }
    pages |= {f"guides/g{n}.md": f"# Tour {n}\n\n[Next](../share.md)." for n in range(12)}
    kb = kb_over(pages)
    question = "is there a Windows desktop SDK?"
    ranked, evidence = kb.searcher.rank(question, k=3)
    monkeypatch.setattr(search, "LINK_PRIOR", 0.0)
    kb.searcher._inbound = None  # recompute the factors without the prior
    unlinked, plain = kb.searcher.rank(question, k=3)
    assert [r.chunk.source for r in ranked] != [r.chunk.source for r in unlinked]
    assert evidence.coverage == plain.coverage


def test_malformed_and_empty_text_gives_no_links() -> None:
    assert extract_links("", source="a.md") == []
    broken = "[unclosed](/docs/a [also](  ) <a href=> ![x]( ) [[nested]](#)"
    assert extract_links(broken, source="a.md") == []
    # A huge run of link-like noise is read in one pass, not retried from every bracket.
    noise = "](" * 50_000 + "`" * 20_000 + "<" * 20_000
    assert extract_links(noise + "[ok](guide.md)", source="a.md") == ["guide"]
