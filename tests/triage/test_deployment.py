"""Reports about the vendor's server (deploying it, running it, calling its API) are asked
about the server: the image tag, the host, `docker logs` — never build.gradle or logcat."""

from __future__ import annotations

from typing import Any

import pytest

from bot.triage.deployment import server_platform, server_side
from bot.triage.followup import follow_up_message, missing_fields
from bot.triage.models import BugFields

CLIENT_WORDS = ("build.gradle", "Podfile", "pubspec", "logcat", "Xcode", "About phone")
CLIENT_WORDS_ZH = ("build.gradle", "Podfile", "logcat", "Xcode", "哪个端", "关于手机")


def test_a_chinese_deploy_report_is_asked_about_the_server(triage: Any) -> None:
    result = triage("部署错误. 我怎么部署不上去啊。")
    message = result.follow_up
    assert result.kind == "bug" and message is not None
    assert "服务端版本号：" in message and "docker images" in message
    assert "docker-compose.yml" in message
    assert "部署方式：" in message and "Kubernetes" in message
    assert "服务器系统：" in message and "cat /etc/os-release" in message
    assert "服务端日志：" in message and "docker logs" in message
    assert not [w for w in CLIENT_WORDS_ZH if w in message], message
    assert message.startswith("您好，关于您反馈的“部署错误”")


def test_docker_compose_on_ubuntu_names_the_runtime_and_the_host(triage: Any) -> None:
    result = triage(
        "docker-compose up 之后服务端启动报错，容器一直重启。服务器是 Ubuntu 22.04，"
        "镜像 openim/openim-server:v3.8.0"
    )
    fields = result.fields
    assert fields.platform == "Docker, Linux (Ubuntu 22.04)"
    assert fields.os_version == "Ubuntu 22.04" and fields.sdk_version == "3.8.0"
    assert "platform" not in result.missing and "os_version" not in result.missing
    message = result.follow_up
    assert message is not None and "docker logs <容器名>" in message
    assert "部署步骤：" in message and "adb" not in message


def test_an_english_kubernetes_report_asks_for_kubectl_logs(triage: Any) -> None:
    result = triage(
        "The server crashes on startup in our Kubernetes cluster (helm chart), image "
        "livekit/livekit-server:v1.5.2"
    )
    assert result.fields.platform == "Kubernetes" and result.fields.sdk_version == "1.5.2"
    message = result.follow_up
    assert message is not None
    assert "Server logs: `kubectl logs <pod>" in message
    assert "Server OS: the Kubernetes version (`kubectl version`)" in message
    assert not [w for w in CLIENT_WORDS if w in message], message


@pytest.mark.parametrize(
    "text",
    [
        "Our backend gets 500 from POST /v1/rooms when creating a room",
        "Webhook delivery to our endpoint fails with a timeout, nothing reaches the backend",
    ],
)
def test_a_server_api_caller_is_asked_for_the_call_not_the_os(triage: Any, text: str) -> None:
    result = triage(text)
    assert result.fields.platform == "server API"
    assert "os_version" not in result.missing and "platform" not in result.missing
    message = result.follow_up
    assert message is not None
    assert "Server SDK version: the server SDK or library you call the API with" in message
    assert "Request and response:" in message and "request ID" in message
    assert not [w for w in CLIENT_WORDS if w in message], message


def test_the_call_named_is_the_reproduction(triage: Any) -> None:
    """ "500 from POST /v1/users": the method and path are what an engineer replays; they are
    not asked for again."""
    result = triage("Our backend gets HTTP 500 from POST /v1/users when registering users")
    assert result.fields.repro_steps and "POST /v1/users" in result.fields.repro_steps
    assert "repro_steps" not in result.missing
    assert "The failing call" not in (result.follow_up or "")
    # an app's HTTP log line is no reproduction of the app's crash
    app = triage("The Android app crashes after login\nD/OkHttp: --> POST /v1/token (120ms)")
    assert not app.fields.repro_steps or "POST /v1/token" not in app.fields.repro_steps


def test_a_chinese_server_api_report(triage: Any) -> None:
    result = triage("后端调用 REST 接口 /v1/user/register 注册用户时报错，返回 500")
    assert result.fields.platform == "server API" and result.follow_up is not None
    assert "服务端 SDK 版本：" in result.follow_up and "请求和响应：" in result.follow_up
    assert "系统" not in result.follow_up


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        # an app calling the server: the REST URL is in the app's log
        ("Android app crashes after login; logcat shows POST /v1/token returned 500", "Android"),
        ("iOS 端发消息报错，服务端接口返回 500", "iOS, server"),
        # a desktop app on Linux is not a server
        ("The Electron app freezes on Linux when sharing the screen", "Electron, Linux"),
    ],
)
def test_a_client_report_stays_a_client_report(triage: Any, text: str, platform: str) -> None:
    result = triage(text)
    assert result.fields.platform == platform
    assert not server_side(text, result.fields.platform)
    assert result.follow_up is not None and "docker" not in result.follow_up


def test_a_deploy_headline_is_a_server_report_even_if_a_client_is_named() -> None:
    text = "docker-compose 部署后起不来\n浏览器 Web 端打开一直转圈"
    assert server_side(text, "Web")
    assert server_platform(text, "Web", None) == "Docker, Web"


def test_the_server_api_needs_no_os_version() -> None:
    api = missing_fields("bug", BugFields(platform="server API"))
    docker = missing_fields("bug", BugFields(platform="Docker"))
    assert "os_version" not in api and "os_version" in docker


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_server_follow_up_keeps_the_shape_of_the_client_one(lang: str) -> None:
    missing = ["sdk_version", "platform", "os_version", "repro_steps", "logs"]
    server = follow_up_message(missing, fields=BugFields(), lang=lang, server=True)
    client = follow_up_message(missing, fields=BugFields(), lang=lang)
    assert server is not None and client is not None
    assert server.count("\n") == client.count("\n")  # head, one line each, tail
    assert server.splitlines()[0] == client.splitlines()[0]
    assert server.splitlines()[-1] == client.splitlines()[-1]
    assert "build.gradle" in client and "build.gradle" not in server


@pytest.mark.parametrize(
    "text",
    [
        "After deploying our web app to production, Chrome users see a black remote video",
        "Xcode build fails on iOS: the deployment target 12.0 is lower than the SDK's minimum",
    ],
)
def test_an_app_that_is_deployed_is_still_an_app(triage: Any, text: str) -> None:
    result = triage(text)
    assert not server_side(text, result.fields.platform)
    assert result.fields.platform in ("Web", "iOS")
