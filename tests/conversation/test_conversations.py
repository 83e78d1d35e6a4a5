"""Whole conversations as a developer has them: a report over several messages, the ticket,
and what the chat is still good for afterwards. Real triage and intake; a fake docs bot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import pytest

from bot.context import AppContext
from bot.conversation.factory import build_conversation
from bot.conversation.service import ConversationService
from bot.conversation.types import Inbound, Reply
from retrieval.answer import AnswerStream
from retrieval.types import Answer, Citation, SearchHit
from tests.conftest import NOW
from tests.conversation.fakes import FakeAnswerer
from tests.conversation.test_known_issues import RELEASE_NOTES

M = dt.timedelta(minutes=1)
TOKEN = ("Tokens last 24 hours; renew on tokenWillExpire [1].", "docs/auth/token.md", "Expiry")
ANSWERS = {"token": TOKEN, "过期": TOKEN}


class Chat:
    """One developer in one web chat."""

    def __init__(
        self, service: ConversationService, *, account: str | None = "acme-games", ref: str = "w1"
    ) -> None:
        self.service, self.account, self.ref = service, account, ref
        self.at = NOW

    def say(self, text: str = "", **kw: object) -> Reply:
        self.at += M
        inbound = Inbound(
            channel="web", conversation_ref=self.ref, text=text, account_id=self.account,
            user_ref="dev-1", user_name="Dana", **kw,  # type: ignore[arg-type]
        )  # fmt: skip
        return self.service.handle(inbound, now=self.at)


def _chat(ctx: AppContext, docs: FakeAnswerer | None = None, **kw: object) -> Chat:
    answerer = docs or FakeAnswerer(ANSWERS)
    return Chat(build_conversation(ctx, knowledge=lambda: answerer), **kw)  # type: ignore[arg-type]


REPORT = [
    "After upgrading the Android SDK to 4.2.1 remote video goes black when the app returns "
    "from background",
    "Steps: 1. join a room with two users 2. press home 3. reopen the app. Expected: the "
    "remote video plays again. It happens every time for about 10% of our users in production.",
    "Device: Pixel 7, OS: Android 14, SDK version 4.2.1",
]


def test_a_report_in_three_messages_becomes_one_complete_ticket(ctx: AppContext) -> None:
    chat = _chat(ctx)
    first = chat.say(REPORT[0])
    assert first.kind == "follow_up", first.text
    assert "actual" not in first.text and "repro_steps" not in first.text
    assert "platform" not in first.missing and "actual" not in first.missing
    second = chat.say(REPORT[1])
    third = chat.say(REPORT[2])
    opened = next(r for r in (second, third) if r.kind == "ticket_opened")
    assert opened.ticket is not None
    ticket = ctx.tickets.get(opened.ticket.key)
    assert ticket.kind == "bug" and ticket.priority in ("P1", "P2")
    assert ticket.subject.startswith("After upgrading the Android SDK to 4.2.1 remote video")
    assert ticket.fields["sdk_version"] == "4.2.1" and ticket.fields["platform"] == "Android"
    assert ticket.fields["os_version"] == "Android 14"
    assert "repro_steps" not in ticket.missing and "sdk_version" not in ticket.missing
    body = ctx.tickets.events(ticket.id)[0].body or ""
    assert body.startswith("**Problem:** After upgrading")
    assert "**Steps to reproduce:**" in body and "#### Conversation" in body
    assert len(ctx.tickets.query()) == 1


def test_after_the_ticket_the_chat_stays_useful(ctx: AppContext) -> None:
    chat = _chat(ctx)
    for text in REPORT:
        reply = chat.say(text)
    key = reply.ticket.key if reply.ticket else ""
    events_before = len(ctx.tickets.events(ctx.tickets.get(key).id))
    for ask in (
        "what's the status of my ticket?",
        "any update?",
        "status",
        "我的工单现在什么进度了？",
    ):
        status = chat.say(ask)
        assert status.kind == "status" and key in status.text, ask
    answer = chat.say("How do I renew an expired token?")
    assert answer.kind == "answer" and not answer.text.startswith("Added to")
    assert len(ctx.tickets.events(ctx.tickets.get(key).id)) == events_before, (
        "status and docs questions are not appended to the ticket"
    )
    detail = chat.say("It also happens on a Galaxy S23 with Android 13")
    assert detail.kind == "ticket_updated" and key in detail.text
    assert len(ctx.tickets.events(ctx.tickets.get(key).id)) > events_before


@pytest.mark.parametrize(
    ("account", "report", "no_logs", "asks_again"),
    [
        ("acme-games", REPORT, "I can't get the logs right now", "send logs"),
        (
            "tianqi-health",
            ["iOS 端升级到 4.3.0 后对方画面卡住不动",
             "复现步骤：1. 两台手机进房 2. 一方切到后台再回来 3. 对方画面定格。iOS 17.5"],
            "日志暂时拿不到",
            "补充日志",
        ),
    ],
)  # fmt: skip
def test_logs_said_to_be_unavailable_after_the_ticket_are_not_asked_for_again(
    ctx: AppContext, account: str, report: list[str], no_logs: str, asks_again: str
) -> None:
    chat = _chat(ctx, account=account)
    for text in report:
        reply = chat.say(text)
    assert reply.ticket is not None and "logs" in reply.ticket.missing, reply.text
    declined = chat.say(no_logs)
    assert declined.kind == "ticket_updated"
    assert asks_again not in declined.text and (
        "without logs" in declined.text or "没关系" in declined.text
    )
    later = chat.say(
        "It also happens on a second device" if account == "acme-games" else "安卓端没有这个问题"
    )
    assert later.kind == "ticket_updated" and asks_again not in later.text
    status = chat.say("status" if account == "acme-games" else "工单进度如何？")
    assert status.kind == "status" and "logs" not in status.text.split("\n")[-1]
    assert "日志" not in status.text


def test_a_different_problem_after_a_ticket_starts_a_second_report(ctx: AppContext) -> None:
    chat = _chat(ctx)
    for text in REPORT:
        chat.say(text)
    other = chat.say("Push notifications stopped arriving on iOS since this morning")
    assert other.kind == "follow_up" and "SUP-1001" in other.text
    done = chat.say("iOS 17.4, chat SDK 3.2.0, steps: send a message to a backgrounded app")
    assert done.kind == "ticket_opened" and done.ticket is not None
    assert done.ticket.key == "SUP-1002"
    assert done.ticket.subject.startswith("Push notifications stopped arriving")
    first = ctx.tickets.get("SUP-1001")
    assert "iOS 17.4" not in str(first.fields)


def test_start_over_leaves_the_ticket_and_takes_a_new_topic(ctx: AppContext) -> None:
    chat = _chat(ctx)
    for text in REPORT:
        chat.say(text)
    fresh = chat.say("", action="new_topic")
    assert fresh.kind == "acknowledged" and "SUP-1001" in fresh.text
    report = chat.say("Flutter web: messages are not delivered after a reconnect")
    assert report.kind == "follow_up"
    assert ctx.tickets.get("SUP-1001").fields.get("summary", "").startswith("After upgrading")


def test_another_question_prefix_answers_the_question(ctx: AppContext) -> None:
    chat = _chat(ctx)
    for text in REPORT:
        chat.say(text)
    reply = chat.say("Another question: how long does a token last?")
    assert reply.kind == "answer" and reply.citations[0].source == "docs/auth/token.md"


def test_listing_open_tickets(ctx: AppContext) -> None:
    chat = _chat(ctx)
    for text in REPORT:
        chat.say(text)
    listed = chat.say("list my tickets")
    assert listed.kind == "status" and "SUP-1001" in listed.text


def test_a_commercial_request_goes_to_the_csm_not_the_engineers(ctx: AppContext) -> None:
    chat = _chat(ctx)
    reply = chat.say("Can we get a discount if we sign a 3-year commitment?")
    assert reply.kind == "ticket_opened" and reply.ticket is not None
    ticket = ctx.tickets.get(reply.ticket.key)
    assert ticket.kind == "commercial" and ticket.assignee_id == "csm-wang"
    assert "Wang Fang" in reply.text and "An engineer will" not in reply.text
    assert "Your account team will reply by" in reply.text
    first = ticket.clock("first_response")
    assert first is not None and first.calendar == "business", "its own clock, not the 1-hour P1"


def test_an_anonymous_visitor_asking_for_a_person_is_offered_sign_in_and_the_form(
    ctx: AppContext,
) -> None:
    chat = _chat(ctx, account=None)
    reply = chat.say("I want to talk to a human")
    assert reply.kind == "handoff" and reply.actions == ["sign_in", "contact"]
    assert "contact form" in reply.text


def test_an_anonymous_bug_report_is_taken_then_sign_in_is_asked(ctx: AppContext) -> None:
    chat = _chat(ctx, account=None)
    first = chat.say(REPORT[0])
    assert first.kind == "follow_up"
    chat.say(REPORT[1])
    last = chat.say(REPORT[2])
    assert last.kind == "handoff" and "sign_in" in last.actions
    assert ctx.tickets.query() == []


def test_a_chinese_conversation_is_chinese_throughout(ctx: AppContext) -> None:
    chat = _chat(ctx, account="tianqi-health")
    replies = [
        chat.say("安卓端升级到 4.2.1 之后，从后台切回来远端视频黑屏"),
        chat.say("复现步骤：1. 两人进房 2. 按 Home 键 3. 再打开 App。系统 Android 14，机型小米 13"),
        chat.say("我的工单现在什么进度了？"),
        chat.say("Token 过期了怎么续期？"),
    ]
    assert [r.kind for r in replies][-2:] == ["status", "answer"]
    assert any(r.kind == "ticket_opened" for r in replies[:2])
    for reply in replies[:3]:
        assert reply.lang == "zh"
        english = [
            w
            for w in ("I've", "ticket for you", "Priority", "engineer", "Still")
            if w in reply.text
        ]
        assert not english, (english, reply.text)
    opened = next(r for r in replies if r.ticket is not None)
    assert opened.ticket is not None
    ticket = ctx.tickets.get(opened.ticket.key)
    body = ctx.tickets.events(ticket.id)[0].body or ""
    # the engineer reads the report in the language it was written in, steps one per line
    assert body.startswith("**问题:**") and "#### 沟通记录" in body
    assert "**复现步骤:**\n1. 两人进房\n2. 按 Home 键\n3. 再打开 App" in body
    assert "Problem" not in body and "asked for" not in body


def test_the_ticket_takes_each_fact_from_where_the_report_states_it(ctx: AppContext) -> None:
    """The first message alone reads as steps; the labelled steps of the second replace it."""
    chat = _chat(ctx, account="tianqi-health")
    for text in (
        "升级到 4.2.1 之后，安卓端进房后对方听不到声音，iOS 正常",
        "复现步骤：1. 两个用户进入同一房间 2. 安卓端开麦 3. iOS 端听不到。线上大约三成用户受影响",
        "机型：小米 13，Android 14，SDK 版本 4.2.1",
    ):
        chat.say(text)
    (ticket,) = ctx.tickets.query()
    assert ticket.fields["repro_steps"].startswith("1. 两个用户进入同一房间")
    assert ticket.fields["device"] == "小米 13" and ticket.fields["os_version"] == "Android 14"
    assert ticket.fields["impact"] == "线上大约三成用户受影响"


def test_a_known_issue_is_suggested_inside_intake_and_the_report_continues(
    ctx: AppContext,
) -> None:
    docs = FakeAnswerer(ANSWERS, hits=[RELEASE_NOTES])
    chat = _chat(ctx, docs)
    offer = chat.say("Video is broken on Pixel 8: green frames when we publish 1080p with H.264")
    assert offer.kind == "follow_up" and "known issue" in offer.text
    assert offer.citations[0].source == "docs/release-notes/rtc-sdk.md"
    assert offer.actions == ["solved", "not_it", "go_ahead"]
    assert ctx.tickets.query() == []
    goes_on = chat.say("no, we already use VP8 and 720p. Android 14, SDK 3.1.0, every call")
    assert goes_on.kind in ("follow_up", "ticket_opened") and "known issue" not in goes_on.text


def test_a_related_but_different_known_issue_does_not_deflect_the_report(
    ctx: AppContext,
) -> None:
    docs = FakeAnswerer(ANSWERS, hits=[RELEASE_NOTES])
    reply = _chat(ctx, docs).say(REPORT[0])
    assert reply.kind == "follow_up" and "known issue" not in reply.text


def test_the_known_issue_settles_it(ctx: AppContext) -> None:
    docs = FakeAnswerer(ANSWERS, hits=[RELEASE_NOTES])
    chat = _chat(ctx, docs)
    chat.say("Video is broken on Pixel 8: green frames when we publish 1080p with H.264")
    done = chat.say("yes, that's it")
    assert done.kind == "acknowledged" and done.actions == ["open_ticket"]
    filed = chat.say("", action="open_ticket")
    assert filed.kind == "ticket_opened" and filed.ticket is not None
    assert "Pixel 8" in filed.ticket.subject


class StreamingDocs(FakeAnswerer):
    """A docs bot whose answer comes in pieces, recording when each was produced."""

    def __init__(self) -> None:
        super().__init__(ANSWERS)
        self.produced: list[str] = []

    def ask_stream(self, question: str, *, context: Sequence[str] = ()) -> AnswerStream:
        pieces = ["Tokens ", "last 24 hours; ", "renew them [1]."]
        stream = AnswerStream(iter(()))

        def run() -> Iterator[str]:
            for piece in pieces:
                self.produced.append(piece)
                yield piece
            stream.answer = Answer(
                "".join(pieces), [Citation("docs/auth/token.md", "Expiry")], 0.9, False,
                [SearchHit("docs/auth/token.md", "Expiry", "...", 0.9)], mode="llm",
            )  # fmt: skip

        stream._pieces = run()
        return stream


def test_answers_stream_piece_by_piece_before_the_reply(ctx: AppContext) -> None:
    docs = StreamingDocs()
    service = build_conversation(ctx, knowledge=lambda: docs)
    inbound = Inbound(
        channel="web", conversation_ref="s", text="How long does a token last?",
        account_id="acme-games",
    )  # fmt: skip
    seen: list[tuple[str, int]] = []
    for piece in service.stream(inbound, now=NOW):
        if isinstance(piece, Reply):
            assert piece.kind == "answer" and piece.text.startswith("Tokens last 24 hours")
            break
        seen.append((piece, len(docs.produced)))
    assert [p for p, _ in seen] == ["Tokens ", "last 24 hours; ", "renew them [1]."]
    # each piece reached the caller before the next one was produced
    assert [produced for _, produced in seen] == [1, 2, 3]


def test_versions_in_a_chinese_conversation_keep_it_chinese(ctx: AppContext) -> None:
    chat = _chat(ctx, account="tianqi-health")
    chat.say("iOS 18 上清除通知以后，应用角标一直不消失，这个问题很影响用户")
    reply = chat.say("Chat SDK 4.2.3，iOS 18.1，iPhone 13")
    assert reply.lang == "zh" and "I've" not in reply.text


def test_a_settled_question_does_not_become_part_of_a_later_report(ctx: AppContext) -> None:
    chat = _chat(ctx)
    chat.say("How long does a token last?")
    chat.say("thanks, that helps")
    chat.say("The Android app crashes when the second user joins a room")
    reply = chat.say("", action="go_ahead")
    assert reply.ticket is not None
    assert reply.ticket.subject == "The Android app crashes when the second user joins a room"
    body = ctx.tickets.events(ctx.tickets.get(reply.ticket.key).id)[0].body or ""
    assert "token" not in body.split("#### Conversation")[0]


def test_a_title_then_the_story_is_one_report(ctx: AppContext) -> None:
    """A developer opens with a title the bot answers from the docs, then tells the story:
    the title is the ticket's subject and the story its facts."""
    chat = _chat(ctx)
    chat.say("Tokens are not refreshed on startup")
    chat.say(
        "Steps: 1. connect a user 2. close the app for a day 3. open it again. The SDK "
        "throws NC-4011 and never calls tokenWillExpire. Android 14, SDK 4.2.1"
    )
    reply = chat.say("", action="go_ahead")
    assert reply.ticket is not None and reply.ticket.kind == "bug"
    assert reply.ticket.subject == "Tokens are not refreshed on startup"


def test_a_title_run_into_its_template_starts_the_report(ctx: AppContext) -> None:
    """ "Tokens not refreshed on startup. ## What did you do?": the heading's question mark is
    the template's; the developer reported a failure and is asked for what is missing."""
    first = _chat(ctx).say("Tokens not refreshed on startup. ## What did you do?")
    assert first.kind == "follow_up", first.text


def test_follow_ups_link_the_published_log_page_in_the_users_language(ctx: AppContext) -> None:
    english = _chat(ctx, ref="en").say("The iOS app crashes when I leave a room")
    assert "https://docs.nimbus.example/docs/troubleshooting/collect-logs" in english.text
    chinese = _chat(ctx, account="tianqi-health", ref="zh").say("安卓端离开房间时闪退")
    assert "https://docs.nimbus.example/docs/zh/troubleshooting/collect-logs" in chinese.text
    assert "knowledge_base/" not in english.text + chinese.text


def test_a_person_asked_for_first_is_asked_what_it_is_about(ctx: AppContext) -> None:
    chat = _chat(ctx, account="tianqi-health")
    ask = chat.say("转人工")
    assert ask.kind == "follow_up" and ask.lang == "zh" and ctx.tickets.query() == []
    reply = chat.say("请问 Web 端的消息能否在服务端做内容审核？")
    assert reply.kind == "ticket_opened" and reply.handoff and reply.ticket is not None
    assert reply.ticket.subject == "请问 Web 端的消息能否在服务端做内容审核？"


def test_a_person_for_pricing_is_the_account_team(ctx: AppContext) -> None:
    reply = _chat(ctx).say("Can I talk to someone about pricing for 500k MAU?")
    assert reply.ticket is not None and reply.ticket.kind == "commercial"


def test_an_anonymous_status_request_is_asked_to_sign_in(ctx: AppContext) -> None:
    reply = _chat(ctx, account=None).say("what's the status of my ticket?")
    assert reply.kind == "handoff" and reply.actions == ["sign_in"]
    assert "look up your tickets" in reply.text


class CountingEngine:
    """A triage engine that counts its calls (standing in for an LLM)."""

    name = "counting"

    def __init__(self, priority: str = "P1") -> None:
        from bot.triage.offline import OfflineEngine

        self.inner = OfflineEngine()
        self.calls = 0
        self.priority = priority

    def triage(self, request: object) -> object:
        self.calls += 1
        result = self.inner.triage(request)  # type: ignore[arg-type]
        return result.model_copy(update={"priority": self.priority, "reason": "the model's"})


def test_a_model_reads_the_report_once_when_it_opens_not_every_turn(ctx: AppContext) -> None:
    from bot.conversation.intake import TriageIntake
    from bot.triage.offline import OfflineEngine

    model = CountingEngine()
    service = build_conversation(ctx, knowledge=lambda: FakeAnswerer(ANSWERS))
    intake = TriageIntake(engine=model, router=OfflineEngine(), max_upload_bytes=2**20)
    service.intake = service.steps.intake = service.steps.reports.intake = intake  # type: ignore[misc]
    chat = Chat(service)
    assert chat.say(REPORT[0]).kind == "follow_up"
    assert chat.say("what's the status?").kind == "status"
    assert model.calls == 0, "turns are routed and asked about without the model"
    opened = [chat.say(REPORT[1]), chat.say(REPORT[2])]
    ticket = next(r.ticket for r in opened if r.kind == "ticket_opened")
    assert model.calls == 1 and ticket is not None
    assert ticket.priority == "P1" and ticket.priority_reason == "the model's"


def test_the_customers_answer_to_an_engineer_goes_to_the_ticket(ctx: AppContext) -> None:
    chat = _chat(ctx)
    for text in REPORT:
        reply = chat.say(text)
    assert reply.ticket is not None
    ticket = ctx.tickets.get(reply.ticket.key)
    # an engineer asks in the chat (what the web channel does with a staff reply)
    assert ticket.conversation_id is not None
    ctx.conversations.add_message(
        ticket.conversation_id, "agent", "Chen Hao: could you try 4.2.2?", now=chat.at,
        author="eng-chen", data={"kind": "agent_reply", "ticket": ticket.key},
    )  # fmt: skip
    answer = chat.say("yes, 4.2.2 fixes it, thanks!")
    assert answer.kind == "ticket_updated"
    said = [e.body for e in ctx.tickets.events(ticket.id) if e.kind == "message"]
    assert "yes, 4.2.2 fixes it, thanks!" in said
    # and then the chat goes on as before
    assert chat.say("How long does a token last?").kind == "answer"


def test_a_feature_request_becomes_a_feature_ticket_with_a_clean_subject(
    ctx: AppContext,
) -> None:
    chat = _chat(ctx)
    chat.say(
        "Be able to hide the title bar buttons. **Is your feature request related to a "
        "problem?** Our users are elderly and every extra button confuses them; please add a "
        "flag to hide them."
    )
    (ticket,) = ctx.tickets.query()
    assert ticket.kind == "feature"
    assert ticket.subject == "Be able to hide the title bar buttons."


def test_a_server_deploy_report_is_asked_about_the_server_and_a_crash_about_the_app(
    ctx: AppContext,
) -> None:
    """A self-hosted server that will not deploy is asked for the image tag, the host and
    `docker logs`; an app crash in the same desk is still asked for build.gradle and logcat."""
    server = _chat(ctx, account="tianqi-health", ref="server")
    # (asked as a question — "我怎么部署不上去啊？" — it is answered from the docs first)
    first = server.say("部署错误，一直部署不上去")
    assert first.kind == "follow_up" and first.lang == "zh", first.text
    assert "服务端版本号" in first.text and "docker images" in first.text
    assert "部署方式" in first.text and "cat /etc/os-release" in first.text
    assert "docker logs" in first.text
    for client_word in ("build.gradle", "Podfile.lock", "哪个端", "logcat", "关于手机"):
        assert client_word not in first.text, (client_word, first.text)
    second = server.say(
        "用 docker-compose 部署的，服务器 Ubuntu 22.04，镜像 openim/openim-server:v3.8.0。"
        "执行 docker-compose up -d 之后 openim-server 容器一直重启"
    )
    assert second.kind == "ticket_opened", second.text
    # what would still help is named the server's way
    assert "服务端日志" in second.text and "SDK 版本" not in second.text, second.text
    assert second.ticket is not None
    ticket = ctx.tickets.get(second.ticket.key)
    assert ticket.fields["platform"] == "Docker, Linux (Ubuntu 22.04)"
    assert ticket.fields["sdk_version"] == "3.8.0"
    assert ticket.fields["os_version"] == "Ubuntu 22.04"
    assert "platform" not in ticket.missing and "os_version" not in ticket.missing

    app = _chat(ctx, account="tianqi-health", ref="app")
    crash = app.say("安卓端进房后闪退")
    assert crash.kind == "follow_up" and crash.lang == "zh", crash.text
    assert "SDK 版本号" in crash.text and "build.gradle" in crash.text
    assert "adb logcat" in crash.text
    assert "docker" not in crash.text and "服务端" not in crash.text


def test_a_server_api_call_that_fails_is_asked_for_the_request_not_the_phone(
    ctx: AppContext,
) -> None:
    chat = _chat(ctx, ref="api")
    reply = chat.say("Our backend gets 500 from POST /v1/rooms when we create a room for a class")
    assert reply.kind == "follow_up" and reply.lang == "en", reply.text
    assert "Server SDK version" in reply.text and "Request and response" in reply.text
    assert "os_version" not in reply.missing
    for client_word in ("build.gradle", "Podfile.lock", "OS version", "logcat", "Xcode"):
        assert client_word not in reply.text, (client_word, reply.text)
