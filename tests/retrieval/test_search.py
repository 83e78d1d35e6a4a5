from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from retrieval import HashEmbedder, KnowledgeBase, MemoryIndex, SearchFilters
from retrieval.glossary import to_chinese, to_english
from retrieval.platforms import platform_of
from retrieval.results import original_of
from retrieval.search import aspects
from retrieval.tokenizer import tokenize


def test_error_code_and_identifier_found_lexically(docs: Path, make_kb) -> None:
    kb = make_kb()
    kb.ingest(
        [docs],
    )
    hits = kb.search("getting 40104 when calling renewToken", k=3)
    assert hits[0].source in {"errors.html", "zh/token.md"}
    assert any(h.source == "errors.html" for h in hits)
    assert kb.search("PigeonClient connect", k=1)[0].source == "quickstart.mdx"


def test_identifiers_split_and_kept_whole() -> None:
    tokens = tokenize("realtimeRequestTimeout HMSSDK.build k8s error 40104")
    assert {"realtimerequesttimeout", "hmssdk.build", "hmssdk", "k8s", "40104"} <= set(tokens)
    # The parts are the same terms as the words written out.
    assert set(tokenize("realtime request timeout build")) <= set(tokens)


def test_inflections_meet() -> None:
    """'pushes' is 'push' and 'subscribers' is 'subscribe': a plural or a verb form in the
    question finds the page that uses another form."""
    for a, b in [
        ("pushes", "push"),
        ("subscribers", "subscribe"),
        ("reconnection", "reconnect"),
        ("messages", "message"),
        ("caches", "cache"),
        ("retrying", "retry"),
    ]:
        assert tokenize(a) == tokenize(b), (a, b)
    assert {"ios", "api"} <= set(tokenize("iOS API"))  # short words are left whole


def test_chinese_question_finds_chinese_page(docs: Path, make_kb) -> None:
    kb = make_kb()
    kb.ingest([docs])
    hits = kb.search("令牌多久过期？", k=3)
    assert hits[0].source == "zh/token.md"
    assert "二十四小时" in hits[0].text
    assert kb.search("同一个用户能在手机和电脑上同时登录吗", k=1)[0].heading == "多端登录"


def test_results_are_one_per_section_with_urls(docs: Path, make_kb) -> None:
    kb = make_kb()
    kb.ingest([docs])
    hits = kb.search("token", k=10)
    keys = [(h.source, h.heading) for h in hits]
    assert len(keys) == len(set(keys))
    assert all(h.score > 0 for h in hits)


def test_platform_filter_is_applied(docs: Path, make_kb) -> None:
    kb = make_kb()
    kb.ingest([docs])
    hits = kb.search("install the sdk", k=10, filters=SearchFilters(platform="ios"))
    assert all(h.metadata.get("platform") in (None, "ios") for h in hits)
    assert not any(h.source == "quickstart.mdx" for h in hits)


def test_a_question_of_several_parts_is_split_into_them() -> None:
    question = (
        "Does screen sharing from the web SDK work in Firefox on Mac? "
        "And what's the minimum Chrome version?"
    )
    assert aspects(question) == [
        "Does screen sharing from the web SDK work in Firefox on Mac?",
        "And what's the minimum Chrome version?",
    ]
    assert aspects("how do I renew a token before it expires?") == []
    assert aspects("Token expired. Help?") == []  # fragments too short to ask anything


def test_each_part_of_a_question_is_searched_too(docs: Path, make_kb) -> None:
    kb = make_kb()
    kb.ingest([docs])
    seen: list[list[str]] = []
    embed_query_parts = kb.embedder.embed_query_parts

    def spy(text: str, parts: Sequence[str]) -> np.ndarray:
        seen.append([text, *parts])
        return embed_query_parts(text, parts)

    kb.embedder.embed_query_parts = spy  # type: ignore[method-assign]
    hits = kb.search("How long does a token last? Can I connect from two phones at once?", k=5)
    assert seen == [
        [
            "How long does a token last? Can I connect from two phones at once?",
            "How long does a token last?",
            "Can I connect from two phones at once?",
        ]
    ]
    assert hits


def test_english_question_over_chinese_docs_is_bridged_by_the_glossary(kb_over) -> None:
    # Page names say nothing: only the glossary links the two languages.
    kb = kb_over(
        {
            "p1.md": "# 多端登录\n\n同一账号可以在多个平台同时在线，Web 端最多 10 个浏览器标签页。",
            "p2.md": "# 消息撤回\n\n发送两分钟内的消息可以撤回，对方会看到撤回提示。",
            "p3.md": "# 群组免打扰\n\n设置群的免打扰模式后仍然接收消息，但不推送通知。",
            "p4.md": "# 服务器部署\n\n使用 Docker 单机部署服务端，开放所需端口。",
            "p5.md": "# 好友管理\n\n添加好友、删除好友和黑名单。",
            "p6.md": "# 文件存储\n\n图片、视频和文件上传到对象存储。",
            "p7.md": "# 错误码\n\n连接超时、心跳失败时返回的错误码列表。",
        }
    )
    question = "Can the same user be logged in from several browser tabs at once?"
    assert kb.search(question, k=1)[0].source == "p1.md"
    assert kb.search("how do I recall a message I sent?", k=1)[0].source == "p2.md"
    assert kb.search("can a group be muted but still receive messages?", k=1)[0].source == "p3.md"
    assert kb.search("we want to deploy on a single server with Docker", k=1)[0].source == "p4.md"


def test_chinese_question_over_english_docs_is_bridged_by_the_glossary(kb_over) -> None:
    kb = kb_over(
        {
            "e1.md": "# Recalling messages\n\nA message can be recalled within two minutes.",
            "e2.md": "# Group settings\n\nMute a group to stop notifications for it.",
            "e3.md": "# Deploying the server\n\nRun the server with Docker Compose.",
        }
    )
    assert kb.search("怎么部署服务器？", k=1)[0].source == "e3.md"
    assert kb.search("消息撤回", k=1)[0].source == "e1.md"


def test_glossary_words_each_way() -> None:
    chinese = to_chinese("logged in on two phones at the same time; recall a message")
    assert {"登录", "多端", "同时", "撤回", "消息"} <= set(chinese)
    assert {"message", "group", "mute"} <= set(to_english("群消息免打扰"))
    assert to_chinese("") == [] and to_english("hello") == []


def test_platform_named_next_to_chinese_text() -> None:
    assert platform_of("Android端想把某个群设成免打扰") == "android"
    assert platform_of("iOS端推送收不到") == "ios"
    assert platform_of("docs/client_doc/rn_doc.md") == "react-native"
    assert platform_of("docs/uniapp_v2/conversation.md") is None
    assert platform_of("webhook retries") is None


def test_release_notes_yield_to_the_guide_unless_the_question_asks_about_versions(kb_over) -> None:
    kb = kb_over(
        {
            "video-tiles.md": "# Rendering video\n\n## Blank tiles\n\nIf a tile shows "
            "nothing, attach the track after the video element mounts.",
            "release-notes.md": "# Release notes\n\n## 2.4.1\n\nFixed: some video tiles "
            "render black on Safari.",
        }
    )
    assert kb.search("why do some video tiles render black?", k=1)[0].source == "video-tiles.md"
    fixed = kb.search("which release fixed black video tiles on Safari?", k=1)
    assert fixed[0].source == "release-notes.md"
    # A version number or "fixed" alone says the question is about changes, too.
    assert kb.search("black video tiles on Safari in 2.4.1?", k=1)[0].source == "release-notes.md"
    assert kb.search("were black tiles on Safari fixed?", k=1)[0].source == "release-notes.md"


def test_command_line_reference_yields_to_the_guide_unless_the_question_asks_for_it(
    kb_over,
) -> None:
    kb = kb_over(
        {
            "channels/deltas.md": "# Deltas\n\n## Send only the changes\n\nWith deltas on, "
            "subscribers get only what changed since the previous message.",
            "cli/channels/subscribe.md": "# CLI: channels subscribe\n\nSubscribe to a channel "
            "in a terminal.\n\n## Options\n\n`--delta`: subscribers receive only the "
            "difference from the previous message.",
        }
    )
    question = "can subscribers receive only the difference from the previous message?"
    assert kb.search(question, k=1)[0].source == "channels/deltas.md"
    for asks in ("from the CLI, ", "with the ably CLI, "):
        hit = kb.search(asks + question, k=1)[0]
        assert hit.source == "cli/channels/subscribe.md", asks


def test_an_error_code_page_yields_to_the_guide_unless_the_question_is_about_an_error(
    kb_over,
) -> None:
    kb = kb_over(
        {
            "presence/presence.md": "# Presence\n\n## Unstable connections\n\nWhen a device "
            "drops its connection, a member is still present for a while before it leaves.",
            "errors/codes/80020.md": "# 80020: connection lost\n\nThe phone loses signal; the "
            "member stays online for 15 seconds, then leaves presence.",
        }
    )
    question = "a phone loses signal and the member stays online 15 seconds, why?"
    assert kb.search(question, k=1)[0].source == "presence/presence.md"
    for asks in ("we get an error: ", "it fails: ", "code 80020: "):
        assert kb.search(asks + question, k=1)[0].source == "errors/codes/80020.md", asks


def test_a_passage_copied_onto_several_pages_is_one_result_cited_where_it_fits(kb_over) -> None:
    faq = (
        "# FAQ\n\n## Can I delete rooms?\n\nRooms cannot be deleted; disable a room from "
        "the dashboard or with the API and it stops accepting joins."
    )
    kb = kb_over(
        {
            "ios/faq.md": faq,
            "common/faq.md": faq,
            "android/faq.md": faq,
            "rooms.md": "# Rooms\n\n## Create a room\n\nCreate rooms from the dashboard.",
        }
    )
    hits = kb.search("how do I delete old rooms from the dashboard?", k=3)
    # One copy, the shared one, and room left for another page.
    assert [h.source for h in hits] == ["common/faq.md", "rooms.md"]
    assert kb.search("on Android, can rooms be deleted?", k=1)[0].source == "android/faq.md"
    assert kb.search("can rooms be deleted in our iOS app?", k=1)[0].source == "ios/faq.md"


def test_a_platform_or_product_named_earlier_in_the_conversation_is_preferred(kb_over) -> None:
    kb = kb_over(
        {
            "android/push.md": "# Push notifications\n\n## Turn on push\n\nAdd the "
            "messaging service, then register the device token with the SDK.",
            "ios/push.md": "# Push notifications\n\n## Turn on push\n\nEnable the push "
            "capability, then register the device token with the SDK.",
            "rtc/reconnect.md": "---\nproduct: rtc\n---\n# Reconnection\n\n## After a "
            "network change\n\nThe SDK reconnects by itself and rejoins the call.",
            "chat/reconnect.md": "---\nproduct: chat\n---\n# Reconnection\n\n## After a "
            "network change\n\nThe SDK reconnects by itself and fetches missed messages.",
        }
    )
    push = "how do I turn on push and register the device token?"

    def first(question: str, *context: str) -> str:
        return kb.search(question, k=1, context=list(context))[0].source

    assert first(push, "we're building the iOS app") == "ios/push.md"
    assert first(push, "our Android app") == "android/push.md"
    assert first(push, "we had an iOS app", "now we're on Android") == "android/push.md"
    assert first("on iOS, " + push, "our Android app") == "ios/push.md"  # the question wins
    network = "does the SDK reconnect after a network change?"
    assert first(network, "our RTC calls drop when people change rooms") == "rtc/reconnect.md"
    assert first(network, "Chat users complain") == "chat/reconnect.md"
    assert kb.ask(network, context=["our RTC calls drop"]).citations[0].source == (
        "rtc/reconnect.md"
    )


def test_a_platform_said_earlier_is_searched_as_a_word(kb_over) -> None:
    kb = kb_over(
        {
            "logs.md": "# Logs\n\n## Log levels\n\nSet the log level to debug before you "
            "reproduce a problem, then send us the logs.",
            "plugins.md": "# Plugins\n\n## Dart side output\n\nRun `flutter logs`: the "
            "plugin prints its messages there.",
        }
    )

    def words_score(*context: str) -> float:
        ranked, _ = kb.searcher.rank("where are the logs?", k=2, context=context)
        return {r.chunk.source: r.lexical for r in ranked}["plugins.md"]

    # The page that says "flutter" matches more of what the user has said...
    assert words_score("our app is built with Flutter") > 2 * words_score()
    # ...and the earlier word does not count as the question's own for confidence.
    _, alone = kb.searcher.rank("where are the logs?")
    _, told = kb.searcher.rank("where are the logs?", context=["we use Flutter"])
    assert told.coverage == alone.coverage


def test_navigation_sections_yield_to_the_section_that_answers(kb_over) -> None:
    kb = kb_over(
        {
            "tokens.md": "# Tokens\n\n## Default lifetime\n\nA token is valid for 24 hours "
            "unless the server asks for less.",
            # (A long section, so the short one after it stays a chunk of its own.)
            "server.md": "# Token server\n\n## Issue tokens\n\n"
            + "Sign with the app secret on your server, never in the app. " * 20
            + "\n\n## Related pages\n\n- Tokens: how long a token lasts.\n- Renewing tokens.",
        }
    )
    assert kb.search("how long does a token last?", k=1)[0].heading == "Default lifetime"


def test_a_section_about_the_named_platform_comes_first_on_a_page_for_all(kb_over) -> None:
    kb = kb_over(
        {
            "logs.md": "# Collect logs\n\n## Android logs\n\nCollect the SDK log file with "
            "logcat.\n\n## iOS logs\n\nExport the console output from Xcode.",
        }
    )
    assert kb.search("how do I collect the log file on iOS?", k=1)[0].heading == "iOS logs"


def test_chinese_name_of_android_finds_the_android_section(kb_over) -> None:
    """安卓 is how Chinese developers write Android; docs write "Android"."""
    kb = kb_over(
        {
            "zh/logs.md": "# 收集日志\n\n## Android 日志\n\n用 logcat 导出日志文件。"
            "\n\n## Flutter 日志\n\n收集 Flutter 的日志和控制台输出，收集后附在工单里。",
        }
    )
    assert "android" in tokenize("安卓日志")
    assert kb.search("怎么收集安卓的日志？", k=1)[0].heading == "Android 日志"


def test_corpus_language_share_follows_adds_removes_and_reloads(tmp_path: Path) -> None:
    from retrieval.lexical import LexicalIndex

    index = LexicalIndex()
    index.add([("zh", tokenize("多端登录")), ("en", tokenize("multi-device login"))])
    assert index.chinese_share() == 0.5
    index.remove(["en"])
    assert index.chinese_share() == 1.0
    index.add([("zh", tokenize("now in English")), ("en2", tokenize("more English"))])
    assert index.chinese_share() == 0.0
    index.add([("zh2", tokenize("消息撤回"))])
    index.save(tmp_path / "lexical.pkl")
    assert LexicalIndex.load(tmp_path / "lexical.pkl").chinese_share() == pytest.approx(1 / 3)
    index.clear()
    assert index.chinese_share() == 0.0


def test_a_passage_holding_the_error_code_leads(kb_over) -> None:
    """The code pasted from a log is the surest clue, even where the words point elsewhere."""
    kb = kb_over(
        {
            "errors/rtc.md": "# RTC error codes\n\n## About RTC error codes\n\nEvery RTC error "
            "you may get sometimes, with its cause and fix, for every RTC error code.\n\n"
            "## Connection errors\n\n| Code | Cause |\n| --- | --- |\n"
            "| NR-2001 | The network is unreachable. |\n"
            "| NR-2004 | Removed from the room by your server. |\n",
            "errors/chat.md": "# Chat error codes\n\n## Connection errors\n\n"
            "| NC-2003 | Signed in on another device. |\n",
            "faq.md": "# FAQ\n\n## Does the NR-2004 code ever come from the SDK?\n\nNo: only "
            "your server removes someone from a room.\n",
        }
    )
    hits = kb.search("I get RTC error NR-2004 sometimes", k=3)
    # The FAQ names the code in its heading; the table row holds it; the overview does not.
    assert [h.heading for h in hits[:2]] == [
        "Does the NR-2004 code ever come from the SDK?",
        "Connection errors",
    ]
    assert hits[1].source == "errors/rtc.md"


def test_an_english_question_is_answered_from_the_english_page(kb_over) -> None:
    """English docs with a few translated pages: the English page answers in English."""
    kb = kb_over(
        {
            "zh/errors.md": "# 错误码\n\n## 鉴权错误\n\n| NC-4011 | Token 已过期 | 在 "
            "tokenWillExpire 中续期 |\n",
            "errors.md": "# Error codes\n\n## Authentication errors\n\n| NC-4011 | The token "
            "expired | Renew it in tokenWillExpire |\n",
            "tokens.md": "# Tokens\n\n## Lifetime\n\nA token is valid for 24 hours.\n",
            "push.md": "# Push\n\n## Set up push\n\nUpload the credentials in the console.\n",
        }
    )
    hits = kb.search("what does NC-4011 mean?", k=2)
    assert hits[0].source == "errors.md"
    # A Chinese question over these mostly English docs is not pushed away from them.
    assert {h.source for h in kb.search("NC-4011 是什么错误？", k=2)} == {
        "errors.md",
        "zh/errors.md",
    }


class EnglishOnly(HashEmbedder):
    """Reads like MiniLM: Chinese means nothing to it; records the queries it embeds."""

    multilingual = False

    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def embed_query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return super().embed_query(text)


def _english_only_kb(tmp_path: Path, pages: dict[str, str]) -> tuple[KnowledgeBase, EnglishOnly]:
    docs = tmp_path / "docs"
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    model = EnglishOnly()
    kb = KnowledgeBase.open(tmp_path / "index", embedder=model, vector_index=MemoryIndex())
    kb.ingest([docs])
    return kb, model


def test_an_english_only_model_sees_the_glossary_english_of_a_chinese_question(
    tmp_path: Path,
) -> None:
    """Over English docs, "怎么撤回消息？" is nothing to MiniLM; "recall message" is the topic."""
    kb, model = _english_only_kb(
        tmp_path,
        {
            "recall.md": "# Recalling messages\n\nRecall a message within 2 minutes.",
            "groups.md": "# Groups\n\nA group holds up to 500 members.",
            "rtc/record.md": "# Cloud recording\n\nStart a recording from your server.",
        },
    )
    try:
        assert kb.search("怎么撤回消息？", k=1)[0].source == "recall.md"
        assert model.queries[-1].split() == ["message", "recall"]
        # Latin words the question wrote itself stay in front.
        kb.search("iOS 上怎么撤回消息？", k=1)
        assert model.queries[-1].split() == ["iOS", "message", "recall"]
        # One glossary word is enough to search by meaning.
        assert kb.search("怎么开启录制？", k=1)[0].source == "rtc/record.md"
        assert model.queries[-1].split() == ["record", "enable"]  # 开启: enable
    finally:
        kb.close()


def test_a_chinese_question_gets_the_chinese_translation_of_the_page_that_answers(
    tmp_path: Path,
) -> None:
    kb, _ = _english_only_kb(
        tmp_path,
        {
            "support/upgrade.md": "# Upgrading your plan\n\n## Self-service upgrade\n\nIn the "
            "console open Billing and choose Upgrade plan; the new plan applies at once.",
            "zh/support/upgrade.md": "# 升级\n\n## 自助升级\n\n在控制台打开账单，选择升级。",
            "zh/support/plans.md": "# 套餐\n\n## 套餐对比\n\n免费套餐、基础套餐和专业套餐的对比。",
            "chat/recall.md": "# Recalling messages\n\nRecall a message within 2 minutes.",
            "chat/groups.md": "# Groups\n\nA group holds up to 500 members.",
        },
    )
    try:
        assert kb.search("怎么升级套餐？", k=1)[0].source == "zh/support/upgrade.md"
        # No translation: the English page that answers.
        assert kb.search("怎么撤回消息？", k=1)[0].source == "chat/recall.md"
        # An English question keeps the English page.
        assert kb.search("how do I upgrade my plan?", k=1)[0].source == "support/upgrade.md"
    finally:
        kb.close()


def test_a_translation_is_known_by_its_folder() -> None:
    assert original_of("docs/zh/support/upgrade.md") == "docs/support/upgrade.md"
    assert original_of("zh-CN/guide/start.md") == "guide/start.md"
    assert original_of("docs/support/upgrade.md") is None
    assert original_of("docs/zhuyin/a.md") is None


def test_a_chinese_question_over_chinese_docs_is_searched_by_its_words(tmp_path: Path) -> None:
    """An English-only model would see only "Android SDK" of the question and pull pages about
    the SDK rather than about recalling messages: BM25 alone ranks it, no vector is computed."""
    kb, model = _english_only_kb(
        tmp_path,
        {
            "recall.md": "# 消息撤回\n\n两分钟内发送的消息可以撤回。",
            "install.md": "# SDK 集成\n\n用 Gradle 集成 SDK。",
            "push.md": "# SDK 推送\n\n在 SDK 中开启推送。",
        },
    )
    try:
        asked = len(model.queries)
        assert kb.search("Android SDK 里怎么撤回消息？", k=1)[0].source == "recall.md"
        assert len(model.queries) == asked
    finally:
        kb.close()


def test_bm25_alone_ranks_by_score_so_a_well_linked_page_does_not_overtake(kb_over) -> None:
    """A Chinese question over Chinese docs is ranked by BM25 alone (an English-only model
    has no vector for it): the page that matches it far better stays first, though another
    is linked from many pages (reciprocal ranks would put the two 5% apart, and the link
    prior would swap them)."""
    linking = {f"guide/p{i}.md": f"# 第{i}章\n\n见 [消息](../chat/overview.md)。" for i in range(6)}
    kb = kb_over(
        {
            **linking,
            "chat/overview.md": "# 消息概述\n\n发送消息、接收消息、撤回和删除都在消息模块里。"
            + "会话列表展示最近的会话，每个会话有未读数。" * 3,
            "chat/recall.md": "# 撤回消息\n\n发送方可以撤回两分钟内发出的消息：调用撤回接口，"
            "被撤回方收到撤回通知，撤回的消息显示为提示。",
        }
    )
    hits = kb.search("怎么撤回已经发出的消息？", k=3)
    assert hits[0].source == "chat/recall.md"


def test_chinese_docs_page_whose_headings_name_the_question_lifts_its_passages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An English-only model has no page vector for Chinese pages; their titles and headings,
    matched by BM25, tell which page is about the question: the rules page whose section is
    "签名审核时间" answers "how long does review take", not the API page that repeats the words."""
    pages = {
        "sms/rules.md": "# 短信签名规则\n\n## 签名审核时间\n\n提交后一个工作日内完成，节假日顺延。"
        "\n\n## 内容规范\n\n禁止发送营销内容。",
        "sms/api.md": "# 查询 API\n\n## 查询接口\n\n查询短信签名的审核状态，返回签名编号。"
        "签名审核通过后可用。",
        "push/intro.md": "# 推送\n\n## 概述\n\n推送通知到设备。",
    }
    kb, _ = _english_only_kb(tmp_path, pages)
    try:
        assert kb.search("短信签名审核要多久？", k=1)[0].source == "sms/rules.md"
        monkeypatch.setattr("retrieval.search.W_PAGE_HEADINGS", 0.0)
        assert kb.search("短信签名审核要多久？", k=1)[0].source == "sms/api.md"
    finally:
        kb.close()


def test_page_headings_index_follows_the_chunks(tmp_path: Path) -> None:
    kb, _ = _english_only_kb(
        tmp_path, {"a.md": "# 消息撤回\n\n## 撤回时限\n\n两分钟。", "b.md": "# 群组\n\n一个群。"}
    )
    try:
        found = kb.searcher.page_headings.search(tokenize("撤回时限"), 5)
        assert [kb.searcher.store.pages[p][0] for p, _ in found] == ["a.md"]
        (tmp_path / "docs" / "b.md").write_text("# 群组撤回\n\n一个群。", encoding="utf-8")
        kb.ingest([tmp_path / "docs"])
        found = kb.searcher.page_headings.search(tokenize("撤回"), 5)
        assert {kb.searcher.store.pages[p][0] for p, _ in found} == {"a.md", "b.md"}
        assert kb.searcher.page_headings.search([], 5) == []
    finally:
        kb.close()
