"""A known issue is offered only when an item of a known-issue page matches the report."""

from __future__ import annotations

from bot.conversation.known_issues import Report, find_known_issue
from retrieval.types import SearchHit

RELEASE_NOTES = SearchHit(
    source="docs/release-notes/rtc-sdk.md",
    heading="Known issues in RTC SDK 3.1.0",
    title="RTC SDK release notes",
    score=0.8,
    url="https://docs.example/release-notes/rtc-sdk",
    text=(
        "- **Pixel 8, Android 14:** publishing 1080p with H.264 shows green or frozen frames. "
        "**Workaround:** use VP8 or cap the camera at 720p.\n"
        "- **Flutter on Xiaomi HyperOS:** after the app returns from the background, "
        "`createCameraTrack` fails with `NR-7003`. **Workaround:** recreate the camera track "
        "on resume.\n"
        "- **Safari 17:** screen share tracks are always published as one layer."
    ),
)
FIXED = SearchHit(
    source="docs/release-notes/rtc-sdk.md",
    heading="Fixed in RTC SDK 3.1.0",
    title="RTC SDK release notes",
    score=0.7,
    text="- iOS 18: after a phone call, audio resumed on the earpiece instead of AirPods.",
)
CHAT_TABLE = SearchHit(
    source="docs/zh/known-issues.md",
    heading="即时通讯 SDK 的已知问题",
    title="已知问题汇总",
    score=0.7,
    text=(
        "| 问题 | 影响版本 | 临时方案 |\n| --- | --- | --- |\n"
        "| iOS 18 清除通知后应用角标不归零 | 5.0.1 | 回到前台时调用 `setBadge(0)` |\n"
        "| React Native 新架构下 `typingStarted` 触发两次 | 5.0.0 | 去重 |"
    ),
)
GUIDE = SearchHit(
    source="docs/rtc/video.md",
    heading="Video is black",
    title="Troubleshooting video",
    score=0.9,
    text="If remote video is black, check that the track is attached to a view.",
)


def test_the_item_that_matches_platform_product_and_symptom_is_offered() -> None:
    report = Report(
        text="Our Pixel 8 users see green frames when publishing 1080p video with H.264",
        platform="Android",
    )
    match = find_known_issue(report, [GUIDE, RELEASE_NOTES])
    assert match is not None and "Pixel 8" in match.text and "Flutter" not in match.text
    assert match.source == "docs/release-notes/rtc-sdk.md" and match.url


def test_shared_vocabulary_on_another_platform_is_not_a_match() -> None:
    """The issue's own example: a native Android report is not the Flutter/HyperOS issue."""
    report = Report(
        text="after upgrading the Android SDK to 4.2 remote video goes black when the app "
        "returns from background",
        platform="Android",
    )
    assert find_known_issue(report, [RELEASE_NOTES, GUIDE]) is None
    # even with the item's own words, a native Android app is not a Flutter app
    close = Report(
        text="On Android, createCameraTrack fails after the app returns from the background",
        platform="Android",
    )
    assert find_known_issue(close, [RELEASE_NOTES]) is None
    flutter = Report(text=close.text.replace("On Android", "In our Flutter app"))
    assert find_known_issue(flutter, [RELEASE_NOTES]) is not None


def test_an_error_code_on_the_same_platform_matches() -> None:
    report = Report(text="Flutter app: camera fails with NR-7003 after resume", platform="Flutter")
    match = find_known_issue(report, [RELEASE_NOTES])
    assert match is not None and "NR-7003" in match.text


def test_a_chat_report_is_not_matched_to_a_video_issue() -> None:
    report = Report(text="On Safari 17 our messages show up as one layer of frozen text")
    assert find_known_issue(report, [RELEASE_NOTES]) is None


def test_a_fix_is_offered_only_to_older_versions() -> None:
    text = "iOS 18: after a phone call the audio comes out of the earpiece, not the AirPods"
    older = find_known_issue(Report(text=text, platform="iOS", sdk_version="3.0.2"), [FIXED])
    assert older is not None and older.fixed_in == "3.1.0"
    newer = Report(text=text, platform="iOS", sdk_version="3.1.0")
    assert find_known_issue(newer, [FIXED]) is None


def test_chinese_table_rows_are_items() -> None:
    report = Report(text="iOS 18 上清除通知以后，应用角标一直不归零", platform="iOS")
    match = find_known_issue(report, [CHAT_TABLE])
    assert match is not None and "角标" in match.text
    other = Report(text="安卓端收不到离线推送", platform="Android")
    assert find_known_issue(other, [CHAT_TABLE]) is None


def test_pages_that_are_not_about_known_issues_are_never_offered() -> None:
    report = Report(text="remote video is black, the track is attached to a view", platform="Web")
    assert find_known_issue(report, [GUIDE]) is None


def test_a_fix_listed_under_a_plain_sub_heading_inside_the_passage() -> None:
    """The chunker keeps "### Fixed in 3.1.0" as a plain line inside the release's passage."""
    release = SearchHit(
        source="docs/release-notes/rtc-sdk.md",
        heading="RTC SDK 3.1.0 (2026-11-05)",
        title="RTC SDK release notes",
        score=0.0,
        text=(
            "Fixed in RTC SDK 3.1.0\n"
            "- Android: rare crash (`IllegalStateException` in `CameraCapturer`) when switching "
            "cameras right after publishing.\n"
            "Known issues in RTC SDK 3.1.0\n"
            "- Safari 17: screen share tracks are always published as one layer."
        ),
    )
    report = Report(
        text="The app crashes with IllegalStateException when users flip the camera after going "
        "live",
        platform="Android",
        sdk_version="3.0.4",
    )
    match = find_known_issue(report, [release])
    assert match is not None and match.fixed_in == "3.1.0"
    assert match.heading.endswith("Fixed in RTC SDK 3.1.0")
    newer = Report(text=report.text, platform="Android", sdk_version="3.1.0")
    assert find_known_issue(newer, [release]) is None
