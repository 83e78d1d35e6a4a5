"""FAQ files: YAML or CSV question/answer pairs; each pair becomes exactly one chunk."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml

from retrieval.loaders.common import LoadError, read_text, slugify
from retrieval.types import Document, Section

# Column and key names as FAQ sheets are written, in English and in Chinese.
_Q_KEYS = ("question", "q", "title", "问题", "问", "标题")
_A_KEYS = ("answer", "a", "body", "text", "答案", "回答", "答", "内容")
_LIST_KEYS = ("faq", "faqs", "questions", "items", "entries")
_META_KEYS = ("product", "platform", "sdk_version", "category")


def load_faq_yaml(path: Path, *, source: str, root: Path) -> Document:
    try:
        data = yaml.safe_load(read_text(path))
    except yaml.YAMLError as exc:
        raise LoadError(f"bad YAML: {str(exc).splitlines()[0]}") from exc
    title = path.stem.replace("-", " ").replace("_", " ")
    meta: dict[str, str] = {}
    items: Any = data
    if isinstance(data, dict):
        title = str(data.get("title") or title)
        meta = {k: str(data[k]) for k in _META_KEYS if k in data and data[k] is not None}
        items = next((data[k] for k in _LIST_KEYS if isinstance(data.get(k), list)), None)
    if not isinstance(items, list):
        raise LoadError("not a FAQ file: expected a list of question/answer pairs")
    return _document(items, source=source, title=title, meta=meta)


def load_faq_csv(path: Path, *, source: str, root: Path) -> Document:
    try:
        text = read_text(path)
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise LoadError(f"bad CSV: {exc}") from exc
    rows = [{(k or "").strip().lower(): v for k, v in row.items()} for row in rows]
    title = path.stem.replace("-", " ").replace("_", " ")
    return _document(rows, source=source, title=title, meta={})


def _document(items: list[Any], *, source: str, title: str, meta: dict[str, str]) -> Document:
    sections: list[Section] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise LoadError(f"entry {number} is not a question/answer mapping")
        question = _first(item, _Q_KEYS)
        answer = _first(item, _A_KEYS)
        if not question or not answer:
            raise LoadError(f"entry {number} lacks a question or an answer")
        anchor = str(item.get("id") or slugify(question))
        sections.append(Section(heading_path=(question,), text=answer, anchor=anchor))
    return Document(source=source, title=title, sections=sections, metadata=meta, kind="faq")


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = item.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""
