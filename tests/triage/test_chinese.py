"""Chinese reports read as well as English ones: kinds, severity, fields and templates.

Every example here is written for these tests (none is copied from a vendor's tracker).
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.triage.extractor import extract
from bot.triage.priority import prioritise
from bot.triage.sections import is_empty_report, placeholder_marks, strip_placeholders

# A bracket template of our own making, submitted with its defaults still in place.
TEMPLATE_UNTOUCHED = (
    "【问题描述】\n如登录失败，提示错误码xxxx\n\n"
    "【使用的版本】\n基础版 / 标准版 / 旗舰版\n\n"
    "【AppKey】\n2000XXXXXX\n\n"
    "【发生时间】\n2024-01-01 10:00~10:30\n\n"
    "【设备型号】\n如小米 12\n\n"
    "【出现频率】\n每次都出现 / 偶尔出现(请写大概比例)\n\n"
    "【复现步骤】\n1. 打开 ... 页面\n2. 点击 ... 按钮\n3. 出现问题\n\n"
    "【附件】\n请在附件中上传相关日志、截图或录屏\n"
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("安卓端进房后对方听不到声音，iOS 正常。SDK 版本 4.3.2，必现。", "bug"),
        ("群消息推送收不到，这么基础的问题怎么会一直没人修？上周就提过工单了", "bug"),
        ("急急急！！！iOS 端登录报错 6017，怎么回事？", "bug"),
        ("Android 端会话列表的头像样式有点错位", "bug"),
        ("demo 跑不起来", "bug"),
        ("线上所有用户都登录不上了，从今天上午 10 点开始，报错 code=10006", "outage"),
        ("控制台打不开了，一直 502，是不是服务挂了？", "outage"),
        ("IM 服务器从今天早上 8 点起一直连接不上，我们正式环境的 App 全部受影响", "outage"),
        ("今天下午推送服务好像有问题，所有用户都收不到离线推送", "outage"),
        ("REST API 调用 sendMsg 返回 500，从今天凌晨开始全部失败，线上业务受影响", "outage"),
        ("IM 服务现在是不是有故障？消息一直发不出去，好多客户在投诉", "outage"),
        ("请问现在服务正常吗？进房一直超时", "outage"),
        ("推送服务怎么配置？", "question"),
        ("我们想在 App 里加一个购买会员的功能，IM 能支持吗？", "question"),
        ("我们想买 100 万分钟的通话时长，怎么购买？", "upgrade"),
        ("目前不支持自定义铃声，希望后续版本能加上", "feature"),
        ("私有化部署版本怎么收费？有没有报价单", "upgrade"),
        ("我们的套餐下个月到期，怎么续费？", "upgrade"),
        ("麻烦给个报价，日活 10 万大概多少钱", "upgrade"),
        ("发票怎么开？公司抬头需要改一下", "upgrade"),
        ("并发路数不够用了，能否帮忙提升上限到 500？", "upgrade"),
        ("请问专业版和企业版有什么区别，价格分别是多少？", "upgrade"),
        ("希望支持 H.265 编码，目前只能用 H.264", "feature"),
        ("建议增加消息撤回时间的配置项，现在固定 2 分钟不够用", "feature"),
        ("能不能加一个屏幕共享时隐藏通知栏的选项？", "feature"),
        ("几点建议：1. 会话支持置顶分组 2. 表情包可以自定义", "feature"),
        ("请问 Web 端怎么实现美颜？", "question"),
        ("是否支持 H.265？", "question"),
        ("Flutter 有没有 demo 可以参考？", "question"),
        (
            "按文档调用 login 以后一直没有回调，文档里没找到失败时的处理示例，"
            "在哪里能拿到错误信息？",
            "question",
        ),
        ("SUP-1042 有进展吗？", "status"),
        ("我上周提的工单现在处理到哪了？", "status"),
        ("我提的工单 #20451 三天了还没人回复", "status"),
        ("测试", "other"),
        ("你们这 SDK 太垃圾了，天天出问题", "other"),
        (f"xxxx\n\n{TEMPLATE_UNTOUCHED}", "other"),
    ],
)
def test_kinds(triage: Any, text: str, kind: str) -> None:
    assert triage(text).kind == kind


@pytest.mark.parametrize(
    ("text", "kind", "priority"),
    [
        # urgency words are not impact
        ("急急急！！！Flutter 插件 iOS 端 archive 报错，今天必须出包", "bug", "P3"),
        ("十万火急，Android 端切换摄像头后预览画面卡住", "bug", "P2"),
        # stated impact is
        ("生产环境大量用户反馈进房后黑屏，Android 和 iOS 都有", "outage", "P1"),
        ("线上崩溃，升级 4.5.0 以后每次进房都闪退，所有用户都受影响", "outage", "P1"),
        ("iOS 12 上启动就闪退，其他系统正常", "bug", "P2"),
        ("小程序偶现断线，重连后恢复，目前先用自动重连规避", "bug", "P3"),
        ("群聊消息偶尔丢失，接收方收不到", "bug", "P2"),
        ("单聊消息丢失，每次重新登录后历史消息都没了", "bug", "P1"),
        ("发现 token 在日志里明文泄露了", "bug", "P1"),
        ("内存泄露：退出房间后 RTCEngine 对象没有释放", "bug", "P3"),
        ("多人通话时 CPU 占用过高，手机发烫", "bug", "P3"),
        # an SDK error code while integrating, nothing about impact: integration help first
        ("iOS 端登录报错 6014，怎么回事", "bug", "P3"),
        ("线上 iOS 用户登录报错 6014", "bug", "P2"),
        ("iOS 端登录失败，没有任何提示", "bug", "P2"),
        ("文档中 setAudioRoute 接口不存在，是不是文档过时了", "bug", "P4"),
        ("登录失败 im::core::Session::login failed: invalid argument，参数类型不对", "bug", "P3"),
        ("私有化部署版本怎么收费？", "upgrade", "P4"),
        ("我们想升级套餐，增加并发配额", "upgrade", "P3"),
        ("希望支持 H.265 编码", "feature", "P4"),
    ],
)
def test_severity(text: str, kind: str, priority: str) -> None:
    assert prioritise(text, kind=kind, tier="pro").priority == priority  # type: ignore[arg-type]


def test_summary_leaves_out_urgency_words() -> None:
    assert extract("急急急！安卓 13 进房后听不到声音").summary == "安卓 13 进房后听不到声音"
    assert extract("十万火急，登录报错 6017").summary == "登录报错 6017"


def test_urgency_words_are_named_in_the_reason() -> None:
    decision = prioritise("急急急！Android 打包时报错", kind="bug")
    assert "urgency" in decision.reason
    assert decision.priority == "P3"


def test_filled_bracket_template() -> None:
    fields = extract(
        "【iOS】-【5.2.0】：【进房后远端画面黑屏】\n"
        "【当前现象】：进房后看不到远端画面，声音正常\n"
        "【集成包】：全功能版\n"
        "【机型】：iPhone 14 Pro，iOS 16.3\n"
        "【复现概率】：必现\n"
        "【复现途径】：\n1. A 进房并开启摄像头\n2. B 进房\n3. B 看不到 A 的画面\n"
        "【期望结果】：B 能看到 A 的画面\n"
    )
    assert fields.summary == "进房后远端画面黑屏"
    assert fields.sdk_version == "5.2.0"
    assert fields.platform == "iOS"
    assert fields.os_version == "iOS 16.3"
    assert fields.device == "iPhone 14 Pro"
    assert fields.repro_steps and fields.repro_steps.startswith("1. A 进房")
    assert fields.expected == "B 能看到 A 的画面"
    assert fields.actual == "进房后看不到远端画面，声音正常"


def test_headings_on_their_own_lines() -> None:
    fields = extract(
        "【问题描述】\nFlutter 端切到后台 30 秒后再回来，远端画面冻结\n\n"
        "【SDK 版本】\n2.9.1\n\n"
        "【复现步骤】\n1. 两台手机进入同一房间\n2. A 切到后台等 30 秒\n3. A 回到前台\n\n"
        "【期望结果】\n画面正常恢复\n\n"
        "【实际结果】\n画面一直停在切后台前的那一帧\n"
    )
    assert fields.summary == "Flutter 端切到后台 30 秒后再回来，远端画面冻结"
    assert fields.sdk_version == "2.9.1"
    assert fields.platform == "Flutter"
    assert fields.repro_steps and "A 切到后台" in fields.repro_steps
    assert fields.expected == "画面正常恢复"
    assert fields.actual == "画面一直停在切后台前的那一帧"


def test_untouched_template_leaves_nothing() -> None:
    text = f"【Android/iOS】-【3.2.1000】【一句话描述问题，如登录失败】\n\n{TEMPLATE_UNTOUCHED}"
    fields = extract(text)
    assert placeholder_marks(text) >= 5
    assert is_empty_report(text)
    assert fields.sdk_version is None  # the template's default version in the title
    assert fields.platform is None  # a choice nobody made
    assert fields.device is None
    assert fields.repro_steps is None  # steps made of "..."
    assert fields.logs is None  # a time range is not a log line


def test_partly_filled_template_keeps_what_was_written() -> None:
    text = (
        "【iOS】-【3.2.1000】【多人会议中偶尔有人说话听不到】\n"
        "【问题描述】\n会议里偶尔有一个人说话其他人听不到，画面是正常的\n\n"
        "【设备型号】\n如小米 12\n\n"
        "【出现频率】\n偶尔出现(大概 5%)\n\n"
        "【发生时间】\n2024-02-20 19:30~21:00\n\n"
        "【附件】\n请在附件中上传相关日志、截图或录屏\n"
    )
    fields = extract(text)
    assert fields.platform == "iOS"
    assert fields.actual and "其他人听不到" in fields.actual
    assert fields.sdk_version is None  # only the title's default, and the template left in place
    assert fields.logs is None
    assert "偶尔出现(大概 5%)" in strip_placeholders(text)


def test_os_version_written_in_the_sdk_slot() -> None:
    fields = extract(
        "【iOS】-【16.4.1】：【启动崩溃】\n【问题描述】：一打开会话页就闪退\n"
        "【SDK】：Chat SDK 7.2.1\n【日志】：见附件\n[crash-0412.log]"
    )
    assert fields.os_version == "iOS 16.4.1"
    assert fields.sdk_version == "7.2.1"
    assert fields.repro_steps == "一打开会话页就闪退"
    assert fields.logs == "[crash-0412.log]"
    # without another SDK version the slot holds the SDK version, as the template asks
    alone = extract("【Android】-【7.3.2】：【会话置顶什么时候支持多端同步】")
    assert alone.sdk_version == "7.3.2" and alone.os_version is None


def test_logcat_inside_chinese_text(triage: Any) -> None:
    result = triage(
        "Android 端推流一段时间后崩溃，日志如下：\n"
        "05-12 10:21:33.512 E/AndroidRuntime( 1234): FATAL EXCEPTION: main\n"
        "05-12 10:21:33.512 E/AndroidRuntime( 1234): java.lang.NullPointerException: "
        "Attempt to invoke virtual method\n"
        "麻烦看下是什么原因"
    )
    assert result.kind == "bug" and result.priority == "P2"
    assert result.fields.logs and "FATAL EXCEPTION" in result.fields.logs
    assert "麻烦" not in result.fields.logs
    assert result.fields.repro_steps == "Android 端推流一段时间后崩溃，日志如下："
    assert "java.lang.NullPointerException" in result.error_codes


@pytest.mark.parametrize(
    ("text", "logs"),
    [
        ("iOS 端登录报错 6017", True),
        ("进房失败，错误码：-100018", True),
        ("web 端进房报错 code 4096", True),
        ("调用 joinChannel 后回调 onError(17)", True),
        ("im::core::Session::login failed. check your parameter types", True),
        ("iOS 端启动闪退\n*** Terminating app due to uncaught exception 'NSException'", True),
        ("Web 端调用 publish 报错：Uncaught (in promise) DOMException: Permission denied", True),
        ("见附件 crash.log", True),
        ("SDK 初始化时报错 -1", True),
        ("升级后 iOS 编译失败：\nError (Xcode): 'ChatKit.h' file not found", True),
        ("Electron 屏幕分享崩溃，日志：\n[2024-03-01 10:00:01.123] [error] capture failed", True),
        ("问题时间段：2024-01-01 10:00~10:30", False),
        ("请在附件中添加相关视频、日志，截图等", False),
        ("收到 200 条消息后卡住", False),
    ],
)
def test_logs_in_chinese_reports(text: str, logs: bool) -> None:
    assert bool(extract(text).logs) is logs


@pytest.mark.parametrize(
    ("text", "os_version"),
    [
        ("安卓 13 小米手机锁屏后收不到来电", "Android 13"),
        ("在鸿蒙 4.0 上收不到推送", "HarmonyOS 4.0"),
    ],
)
def test_chinese_os_names(text: str, os_version: str) -> None:
    assert extract(text).os_version == os_version


def test_full_width_punctuation_and_inline_labels() -> None:
    fields = extract(
        "版本：3.8.1，系统：Android 12，机型：华为 Mate 40。切换前后摄像头后预览画面卡住不动。"
    )
    assert fields.sdk_version == "3.8.1"
    assert fields.os_version == "Android 12"
    assert fields.device == "华为 Mate 40"
    assert fields.summary == "切换前后摄像头后预览画面卡住不动"
    assert fields.repro_steps == "切换前后摄像头后预览画面卡住不动。"


def test_mixed_language_report_is_one_report(triage: Any) -> None:
    result = triage(
        "调用 joinChannel 后回调 onError(17)，Android 13\n"
        "E/agora: joinChannel failed code=17 reason=invalid token for the channel name\n"
        "W/agora: retry join after 1000ms because the last attempt was rejected by server\n"
        "I/agora: connection state changed from connecting to disconnected reason 8"
    )
    assert result.kind == "bug"
    assert result.fields.os_version == "Android 13"
    assert result.fields.logs and "code=17" in result.fields.logs
    assert result.missing == ["sdk_version"]
    # the reporter writes Chinese around English logs: the follow-up is in Chinese
    assert result.follow_up and "SDK 版本号" in result.follow_up


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("小程序 live-player 拉流黑屏", "Mini Program"),
        ("uni-app 打包 iOS 后闪退", "uni-app, iOS"),
        ("鸿蒙 NEXT 上收不到推送", "HarmonyOS"),
        ("升级 5.2.0 后 pod install 失败", "iOS"),
        ("H5 页面里进房黑屏", "Web"),
        # a library path implies a platform but does not name one
        ("线上偶发闪退\n/data/app/com.example.chat/lib/arm64/libimcore.so (Send+88)", None),
    ],
)
def test_platforms(text: str, platform: str | None) -> None:
    assert extract(text).platform == platform


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("用 pod 集成 SDK 以后启动就闪退", True),
        ("一打开会话页面就崩溃", True),
        ("安卓端进房后对方听不到声音", True),
        ("Android 打包时报错", True),
        ("Web 端调用 publish 报错", True),
        ("小程序接入后偶尔收不到群消息", False),
        ("多人会议过程中偶现听不到某个人的声音", False),
        ("线上环境偶发崩溃", False),
    ],
)
def test_chinese_triggers_are_repro_steps(text: str, steps: bool) -> None:
    assert bool(extract(text).repro_steps) is steps


def test_every_user_and_an_error_code_they_get_is_an_outage() -> None:
    """English counterparts of 线上所有用户都…: "every user" (singular) and "gets NC-5001"."""
    from bot.triage.engine import TriageRequest
    from bot.triage.offline import OfflineEngine

    engine = OfflineEngine()
    for text in (
        "our Flutter app cannot connect to chat since this morning, NC-5001 for every user in "
        "production",
        "Every user in production gets NC-5001 on connect",
    ):
        result = engine.triage(TriageRequest(text=text, tier="enterprise"))
        assert (result.kind, result.priority) == ("outage", "P1"), text


def test_the_device_line_keeps_the_model_only() -> None:
    fields = extract("机型：小米 13，Android 14，SDK 版本 4.2.1")
    assert fields.device == "小米 13"
    assert fields.os_version == "Android 14" and fields.sdk_version == "4.2.1"


@pytest.mark.parametrize(
    ("text", "impact"),
    [
        ("进房后听不到声音。线上大约三成用户受影响", "线上大约三成用户受影响"),
        ("生产环境下部分机型推送延迟十分钟以上，其他正常", "生产环境下部分机型推送延迟十分钟以上"),
    ],
)
def test_a_chinese_impact_is_said_as_a_clause(text: str, impact: str) -> None:
    assert extract(text).impact == impact
