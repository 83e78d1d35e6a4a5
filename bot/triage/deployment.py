"""Whether a report is about the vendor's server rather than an app, and where that server runs.

SDK vendors also ship servers (self-hosted IM/RTC servers, a REST API, webhooks). A developer
whose docker-compose deployment will not start, whose server crashes, or whose backend gets a
500 from ``/v1/…`` must be asked for the image tag and ``docker logs``, not for build.gradle
and logcat. The platform of such a report is the server's runtime: "Kubernetes", "Docker",
"Linux (Ubuntu 22.04)", "server API".

A report that names a client platform (Android, iOS, Web, …) stays a client report unless its
opening line is about deploying: a REST URL in an Android log is the app calling the server.
"""

from __future__ import annotations

import re

_KUBERNETES = re.compile(r"(?i)\bkubernetes\b|\bk8s\b|\bk3s\b|\bhelm\b|\bkubectl\b|\bminikube\b")
_DOCKER = re.compile(r"(?i)\bdocker(?:[\s-]?compose)?\b|\bpodman\b")
_DISTRO = re.compile(
    r"(?i)\b(?:ubuntu|debian|centos|rhel|red hat|rocky linux|almalinux|alpine|amazon linux|"
    r"opensuse|fedora)\b|\blinux\b"
)
_HOST_OS = re.compile(r"(?i)ubuntu|debian|centos")
# Running a server: a headline with one of these is about the server whatever else it names.
_RUNNING = re.compile(
    r"(?i)\bself[\s-]?host(?:ed|ing)?\b|\bon[\s-]?prem(?:ise)?s?\b|"
    r"\bserver (?:logs?|crash\w*|won'?t start|fails? to start|does not start|doesn'?t start|"
    r"keeps restarting|exit(?:s|ed)?)\b|"
    r"部署|私有化|(?:服务端|服务器|后台服务|server)\s?(?:启动|起不来|报错|崩溃|挂了?|日志|宕机|重启)"
)
# Weaker: an app is deployed too ("after deploying our web app"); these count only when no
# app platform is named. Xcode's "deployment target" is an app's.
_DEPLOY = re.compile(
    r"(?i)\bdeploy(?:ed|ing|ment)?\b(?!\s+target)|\bnginx\b|\breverse proxy\b|\bsystemd\b|"
    r"\bjournalctl\b|反向代理"
)
# Calling the vendor's server API: a REST path, a webhook, an HTTP 5xx from the API.
_API = re.compile(
    r"(?i)(?<![\w.])/v\d{1,2}/[a-z][\w/{}-]*|\b(?:rest|server|http|open)\s?api\b|"
    r"\bwebhooks?\b|\bour (?:backend|server) (?:gets?|got|receives?|calls?)\b|"
    r"\b(?:returns?|returned|gets?|got|getting|receiv\w+|responds? with)\s+(?:an?\s+)?"
    r"(?:http\s+)?5\d\d\b|\b5\d\d internal server error\b|"
    r"服务端\s?(?:API|接口)|(?:REST|rest)\s?接口|回调(?:地址|通知)|(?:接口|API)\s?(?:返回|报)\s?5\d\d"
)
# Platforms of an app: when one is named, a server word alone does not make a server report.
_CLIENT_PLATFORMS = frozenset(
    {
        "React Native", "Flutter", "Unity", "uni-app", "Electron", "HarmonyOS", "Android",
        "iOS", "macOS", "Windows", "Mini Program", "Web",
    }
)  # fmt: skip
# Runtimes, in the order a ticket names them; "server" is the lexicon's "服务端"/"server SDK".
RUNTIMES = ("Kubernetes", "Docker", "Linux", "server API", "server", "Node.js")
# A platform that says server by itself ("Linux" alone may be a desktop app)
_SERVER_NAMES = frozenset({"Kubernetes", "Docker", "server API", "server"})


def _names(platform: str | None) -> list[str]:
    return [name for name in (platform or "").split(", ") if name]


def runtime_of(name: str) -> str:
    """``"Linux (Ubuntu 22.04)"`` -> ``"Linux"``: the key a hint table knows."""
    return name.split(" (", 1)[0]


def server_side(text: str, platform: str | None = None) -> bool:
    """Whether ``text`` reports a problem with the vendor's server (deploying it, running it,
    calling its API) rather than with an app built on the SDK."""
    names = _names(platform)
    if names and (names[0] in _SERVER_NAMES or names[0].startswith("Linux (")):
        return True
    if not any(name in _CLIENT_PLATFORMS for name in names):
        return any(p.search(text) for p in (_KUBERNETES, _DOCKER, _RUNNING, _DEPLOY, _API))
    first = text.strip().split("\n", 1)[0]
    return any(p.search(first) for p in (_KUBERNETES, _DOCKER, _RUNNING))


def server_platform(text: str, platform: str | None, os_version: str | None) -> str | None:
    """The platform of a server report: its runtimes first ("Docker, Linux (Ubuntu 22.04)"),
    then whatever else it names; ``platform`` unchanged for a client report."""
    if not server_side(text, platform):
        return platform
    found: list[str] = []
    if _KUBERNETES.search(text):
        found.append("Kubernetes")
    if _DOCKER.search(text):
        found.append("Docker")
    distro = _DISTRO.search(text)
    if distro:
        host = os_version if os_version and _HOST_OS.match(os_version) else ""
        found.append(f"Linux ({host})" if host else "Linux")
    if _API.search(text) and not found:
        found.append("server API")
    keys = {runtime_of(name) for name in found}
    rest = [name for name in _names(platform) if runtime_of(name) not in keys]
    if found and "server" in rest:
        rest.remove("server")  # "服务端" says no more than the runtime already does
    names = [*found, *rest][:3]
    return ", ".join(names) if names else None
