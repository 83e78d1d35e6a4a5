"""Markdown and MDX: front matter, headings, code fences kept whole, JSX stripped to its text.

MDX fragments imported from other files (``import Faq from '@/common/faq.md'`` then
``<Faq />``) are inlined when the file can be found, so shared content is searchable where
readers see it.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from retrieval.loaders.common import LoadError, read_text, slugify
from retrieval.types import Document, Section

_FENCE = re.compile(r"^\s*(```+|~~~+)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_IMPORT = re.compile(r"""^import\s+(\w+)\s+from\s+['"]([^'"]+\.mdx?)['"];?\s*$""")
_ESM = re.compile(r"^(import|export)\s")
_ANCHOR_TAG = re.compile(r"""<a\s+(?:id|name)=["']([^"']+)["']\s*/?>(?:</a>)?""")
_ANCHOR_CURLY = re.compile(r"\s*\{#([\w-]+)\}\s*$")
_JSX_COMMENT = re.compile(r"\{/\*.*?\*/\}", re.S)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"</?[A-Za-z][\w.:-]*(?:\s+[^<>]*?)?/?>")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MAX_FRAGMENT_DEPTH = 3


def load_markdown(path: Path, *, source: str, root: Path, depth: int = 0) -> Document:
    """Parse a Markdown/MDX file into a titled document of heading sections."""
    raw = read_text(path)
    meta, body = _front_matter(raw)
    body = _JSX_COMMENT.sub("", _HTML_COMMENT.sub("", body))
    lines = _inline_fragments(body.splitlines(), path=path, root=root, depth=depth)
    title = str(meta.get("title") or "").strip()
    sections: list[Section] = []
    path_stack: list[tuple[int, str]] = []
    buffer: list[str] = []
    anchor: str | None = None
    in_fence: str | None = None

    def flush() -> None:
        text = "\n".join(buffer).strip()
        heading_path = tuple(h for _, h in path_stack)
        if text or heading_path:
            sections.append(Section(heading_path=heading_path, text=text, anchor=anchor))
        buffer.clear()

    for line in lines:
        fence = _FENCE.match(line)
        if in_fence is not None:
            buffer.append(line)
            if fence and fence.group(1)[0] == in_fence[0] and len(fence.group(1)) >= len(in_fence):
                in_fence = None
            continue
        if fence:
            in_fence = fence.group(1)
            buffer.append(line.strip() if line.lstrip().startswith(fence.group(1)) else line)
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            text, explicit = _heading_text(heading.group(2))
            if level == 1 and not title and not path_stack and not "".join(buffer).strip():
                title = text
                continue
            if level == 1 and text.casefold() == title.casefold():
                continue  # the page's own title repeated as its H1 is not a section
            flush()
            while path_stack and path_stack[-1][0] >= level:
                path_stack.pop()
            path_stack.append((level, text))
            anchor = explicit or slugify(text)
            continue
        if _ESM.match(line):
            continue
        buffer.append(_clean_inline(line))
    flush()
    if not title:
        title = path.stem.replace("-", " ").replace("_", " ").strip() or source
    metadata = {k: str(v) for k, v in meta.items() if isinstance(v, str | int | float)}
    url = str(meta["url"]) if isinstance(meta.get("url"), str) else None
    return Document(source=source, title=title, sections=sections, metadata=metadata, url=url)


def _front_matter(raw: str) -> tuple[dict[str, object], str]:
    if not raw.startswith("---"):
        return {}, raw
    end = raw.find("\n---", 3)
    if end < 0:
        return {}, raw
    try:
        meta = yaml.safe_load(raw[3:end]) or {}
    except yaml.YAMLError as exc:
        raise LoadError(f"bad front matter: {exc}".splitlines()[0]) from exc
    if not isinstance(meta, dict):
        meta = {}
    rest = raw[end + 4 :]
    return meta, rest.split("\n", 1)[1] if "\n" in rest else ""


def _heading_text(raw: str) -> tuple[str, str | None]:
    explicit: str | None = None
    match = _ANCHOR_TAG.search(raw)
    if match:
        explicit = match.group(1)
        raw = _ANCHOR_TAG.sub("", raw)
    curly = _ANCHOR_CURLY.search(raw)
    if curly:
        explicit = curly.group(1)
        raw = _ANCHOR_CURLY.sub("", raw)
    return _clean_inline(raw).strip().strip("`").strip(), explicit


def _clean_inline(line: str) -> str:
    """Drop JSX/HTML tags (keeping the text between them), images and link targets."""
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    if "<" in line:
        line = _TAG.sub("", line)
    return line.rstrip()


def _inline_fragments(lines: list[str], *, path: Path, root: Path, depth: int) -> list[str]:
    imports: dict[str, Path] = {}
    for line in lines:
        match = _IMPORT.match(line.strip())
        if match:
            target = _resolve(match.group(2), path=path, root=root)
            if target is not None:
                imports[match.group(1)] = target
    if not imports or depth >= _MAX_FRAGMENT_DEPTH:
        return lines
    out: list[str] = []
    for line in lines:
        match = re.fullmatch(r"\s*<(\w+)\s*/>\s*", line)
        target = imports.get(match.group(1)) if match else None
        if target is None:
            out.append(line)
            continue
        try:
            raw = read_text(target)
        except (OSError, LoadError):
            out.append(line)
            continue
        _, body = _front_matter(raw)
        out.extend(_inline_fragments(body.splitlines(), path=target, root=root, depth=depth + 1))
    return out


def _resolve(spec: str, *, path: Path, root: Path) -> Path | None:
    if spec.startswith("."):
        candidate = (path.parent / spec).resolve()
        return candidate if candidate.is_file() else None
    # Aliases such as "@/common/x.md" point at some ancestor folder: try each one.
    rest = re.sub(r"^[@~][^/]*/", "", spec)
    folder = path.parent
    root = root.resolve()
    while True:
        for base in (folder, folder / "docs", folder / "src"):
            candidate = base / rest
            if candidate.is_file():
                return candidate
        if folder.resolve() == root or folder.parent == folder:
            return None
        folder = folder.parent
