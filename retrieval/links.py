"""Links between the pages of a docs site, and how many pages link to each.

A page that many other pages link to is where the docs explain a thing ("token
authentication"); a page nothing links to is a guide, an example or a product's variant that
mentions it. Search uses the count as a mild prior between otherwise close passages.

Targets are matched to pages by path, the way doc sites publish them: the file path without its
extension or a trailing ``index``, so ``/docs/auth/token`` is ``docs/src/pages/docs/auth/token/
index.mdx`` and ``../auth/tokens.md#expiry`` from ``docs/chat/a.md`` is ``docs/auth/tokens.md``.
A target that matches no page, or several, is not counted.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping

_LINK = re.compile(
    # Markdown [text](target "title"); no brackets in a target, so a run of "](" is one pass
    r"\]\(\s*<?([^()\[\]\s<>]+)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
    r"|^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)"  # Markdown reference [id]: target
    r"|\bhref\s*=\s*[\"']([^\"']+)[\"']"  # HTML and JSX
    r"|`[^`<]*<([^>`]+)>`__?"  # reStructuredText `text <target>`_
    r"|:doc:`(?:[^`<]*<)?([^>`]+)>?`",  # reStructuredText :doc:`target`
    re.M,
)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_PAGE_EXT = re.compile(r"\.(?:mdx?|markdown|html?|rst|txt)$", re.I)
_ASSET_EXT = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|ico|pdf|zip|json|ya?ml|csv|js|css)$", re.I)
_INDEX = re.compile(r"/(?:index|readme|_index)$")


def slug(path: str) -> str:
    """A page path or link target as the site publishes it: lower case, no extension, no
    trailing ``index``, no leading or trailing slash."""
    path = _PAGE_EXT.sub("", path.strip().strip("/")).lower()
    path = _INDEX.sub("", "/" + path).lstrip("/")
    return "" if path in ("index", "readme") else path


def extract_links(text: str, *, source: str) -> list[str]:
    """The internal page links in ``text`` (the raw file ``source``, a path relative to its
    docs folder), as slugs: external URLs, anchors on the same page and assets are left out."""
    out: list[str] = []
    for match in _LINK.finditer(text):
        target = next((g for g in match.groups() if g), "")
        target = target.split("#", 1)[0].split("?", 1)[0]
        if not target or _SCHEME.match(target) or _ASSET_EXT.search(target):
            continue
        if not target.startswith("/"):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
            if target.startswith(".."):
                continue
        page = slug(target)
        if page and page not in out:
            out.append(page)
    return out


def inbound_counts(links: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """For each page (a key of ``links``: source path -> its link slugs), how many other pages
    link to it. A slug names the page whose path ends with it, when exactly one does."""
    by_suffix: dict[str, set[str]] = {}
    for source in links:
        parts = slug(source).split("/")
        for start in range(len(parts)):
            by_suffix.setdefault("/".join(parts[start:]), set()).add(source)
    counts: dict[str, int] = {}
    for source, targets in links.items():
        linked: set[str] = set()
        for target in targets:
            pages = by_suffix.get(target)
            if pages and len(pages) == 1:
                linked.update(pages)
        linked.discard(source)
        for page in linked:
            counts[page] = counts.get(page, 0) + 1
    return counts
