"""HTML pages (and reStructuredText rendered to HTML): headings split sections, <pre> kept whole."""

from __future__ import annotations

from pathlib import Path

from retrieval.loaders.common import read_text, slugify
from retrieval.types import Document, Section

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {"p", "li", "td", "th", "dt", "dd", "blockquote", "figcaption", "caption"}
_SKIP = {"script", "style", "nav", "header", "footer", "noscript", "template", "svg"}


def load_html(path: Path, *, source: str, root: Path) -> Document:
    return parse_html(read_text(path), source=source, fallback_title=path.stem)


def parse_html(raw: str, *, source: str, fallback_title: str, title: str = "") -> Document:
    from bs4 import BeautifulSoup  # lazy: only HTML/rst ingestion needs it

    soup = BeautifulSoup(raw, "html.parser")
    if not title and soup.title and soup.title.string:
        title = soup.title.string.strip()
    body = soup.body or soup
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    buffer: list[str] = []
    anchor: list[str | None] = [None]

    def flush() -> None:
        text = "\n\n".join(part for part in buffer if part.strip()).strip()
        heading_path = tuple(h for _, h in stack)
        if text or heading_path:
            sections.append(Section(heading_path=heading_path, text=text, anchor=anchor[0]))
        buffer.clear()

    def walk(node: object) -> None:
        nonlocal title
        for child in getattr(node, "children", []):
            name = getattr(child, "name", None)
            if name is None:
                text = str(child).strip()
                if text and getattr(child, "__class__", type).__name__ == "NavigableString":
                    buffer.append(text)
                continue
            if name in _SKIP:
                continue
            if name in _HEADINGS:
                level = int(name[1])
                text = child.get_text(" ", strip=True)
                if level == 1 and (not title or text == title):
                    title = title or text
                    continue
                flush()
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, text))
                anchor[0] = child.get("id") or slugify(text)
            elif name == "pre":
                buffer.append("```\n" + child.get_text().strip("\n") + "\n```")
            elif name in _BLOCKS and child.find(list(_BLOCKS | {"pre"})) is None:
                buffer.append(child.get_text(" ", strip=True))
            else:
                walk(child)

    walk(body)
    flush()
    return Document(source=source, title=title or fallback_title, sections=sections)
