def test_stemming_from_many_threads_at_once_is_safe() -> None:
    """The service warms the word list while the first questions arrive: stemming in two
    threads at once used to share one Snowball stemmer and fail with IndexError."""
    from concurrent.futures import ThreadPoolExecutor

    from retrieval.tokenizer import _stem

    words = [f"{stem}{suffix}" for stem in ("connect", "subscrib", "publish", "render")
             for suffix in ("ing", "ed", "ers", "ation", "ional", "ness")] * 50  # fmt: skip
    expected = [_stem.__wrapped__(w) for w in words]
    _stem.cache_clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(20):
            _stem.cache_clear()
            assert list(pool.map(_stem.__wrapped__, words)) == expected
