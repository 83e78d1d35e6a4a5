"""What to tell a reporter about each missing detail, in English and Chinese.

Each hint is concrete for the reporter's platform (where the SDK version is written, where the
OS version is shown, how to get the logs). The Chinese hints are written the way a Chinese
support engineer writes in a customer group: short, polite, with the menu paths and commands
the developer will type, not translated from the English.
"""

from __future__ import annotations

# How each detail is named to the reporter; never the internal field name.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "summary": "What goes wrong",
        "sdk": "Which SDK",
        "sdk_version": "SDK version",
        "platform": "Platform",
        "os_version": "OS version",
        "device": "Device model",
        "repro_steps": "Steps to reproduce",
        "expected": "What you expected",
        "actual": "What happens instead",
        "logs": "Logs",
        "impact": "Who is affected",
    },
    "zh": {
        "summary": "问题现象",
        "sdk": "SDK 名称",
        "sdk_version": "SDK 版本号",
        "platform": "哪个端",
        "os_version": "系统版本",
        "device": "机型",
        "repro_steps": "复现步骤",
        "expected": "期望的结果",
        "actual": "具体现象",
        "logs": "日志",
        "impact": "影响范围",
    },
}

SDK_VERSION: dict[str, dict[str, str]] = {
    "en": {
        "Android": "the dependency line in your app's build.gradle (e.g. "
        "`io.vendor:sdk-android:4.2.1`), or run `./gradlew app:dependencies`",
        "iOS": "Podfile.lock or Package.resolved (Xcode › Package Dependencies)",
        "Flutter": "pubspec.lock, or `flutter pub deps`",
        "React Native": "`npm ls` for the SDK package, or package-lock.json",
        "Web": "`npm ls` for the SDK package, or package.json / package-lock.json",
        "Mini Program": "package.json, or the npm build in WeChat DevTools",
        "uni-app": "the plugin version in manifest.json (App native plugins)",
        "Electron": "`npm ls` for the SDK package, or package-lock.json",
        "Node.js": "`npm ls` for the SDK package, or package-lock.json",
        "Unity": "Packages/manifest.json or Window › Package Manager",
        "": "your dependency file (build.gradle, Podfile.lock, package.json, pubspec.lock)",
    },
    "zh": {
        "Android": "app/build.gradle 的依赖里能看到，或执行 `./gradlew app:dependencies`",
        "iOS": "Podfile.lock 或 Package.resolved 里能看到",
        "Flutter": "pubspec.lock 里能看到，或执行 `flutter pub deps`",
        "React Native": "执行 `npm ls` 查看 SDK 包，或看 package-lock.json",
        "Web": "执行 `npm ls` 查看 SDK 包，或看 package.json",
        "Mini Program": "package.json 里能看到，或看开发者工具“构建 npm”后的版本",
        "uni-app": "manifest.json 里原生插件的版本",
        "Electron": "执行 `npm ls` 查看 SDK 包，或看 package-lock.json",
        "Node.js": "执行 `npm ls` 查看 SDK 包",
        "Unity": "Packages/manifest.json 或 Package Manager 里能看到",
        "": "依赖文件里能看到：build.gradle、Podfile.lock、package.json 或 pubspec.lock",
    },
}

OS_VERSION: dict[str, dict[str, str]] = {
    "en": {
        "Android": "Settings › About phone › Android version",
        "iOS": "Settings › General › About › iOS Version",
        "Web": "browser and version (open chrome://version or About in the browser menu) and "
        "the OS",
        "Mini Program": "WeChat version and base library version, plus the phone's OS version",
        "macOS": "Apple menu › About This Mac",
        "Windows": "run `winver`",
        "": "OS name and version, e.g. Android 14, iOS 17.4, Windows 11",
    },
    "zh": {
        "Android": "比如 Android 14（设置 › 关于手机 › Android 版本）",
        "iOS": "比如 iOS 17.4（设置 › 通用 › 关于本机）",
        "Web": "浏览器及版本（地址栏打开 chrome://version 可以看到），以及电脑的操作系统",
        "Mini Program": "微信版本、基础库版本，以及手机的系统版本",
        "macOS": "左上角苹果菜单 › 关于本机",
        "Windows": "运行 `winver` 可以看到",
        "": "比如 Android 14、iOS 17.4、Windows 11",
    },
}

LOGS: dict[str, dict[str, str]] = {
    "en": {
        "Android": "`adb logcat -d > logcat.txt` right after it happens",
        "iOS": "the Xcode console (or Console.app for a device), saved to a file",
        "Web": "the browser console (F12 › Console › Save as…)",
        "Mini Program": "the WeChat DevTools console, or vConsole when debugging on a phone",
        "Flutter": "`flutter logs`, or logcat / the Xcode console for the native side",
        "React Native": "Metro output plus logcat / the Xcode console",
    },
    "zh": {
        "Android": "问题出现后马上执行 `adb logcat -d > logcat.txt` 导出",
        "iOS": "Xcode 控制台的输出（真机也可以用 Mac 上的“控制台”App 导出）",
        "Web": "浏览器控制台的输出（F12 › Console，右键 Save as… 保存）",
        "Mini Program": "开发者工具控制台的输出，真机调试时可以打开 vConsole",
        "Flutter": "`flutter logs` 的输出，以及原生侧的 logcat / Xcode 控制台",
        "React Native": "Metro 的输出，以及 logcat / Xcode 控制台",
    },
}

OTHER: dict[str, dict[str, str]] = {
    "en": {
        "platform": "Android, iOS, Web, Flutter, React Native, Unity, Electron or server — and "
        "the framework if any",
        "actual": "the exact error message or code, or what you see on screen",
        "expected": "what should have happened",
        "impact": "how many users are affected, production or development, and since when",
        "device": "device model(s), e.g. Pixel 7 or iPhone 14",
        "summary": "one line on what goes wrong",
        "sdk": "the SDK package name",
    },
    "zh": {
        "platform": "Android、iOS、Web、小程序、Flutter、React Native、Unity、Electron 还是服务端",
        "actual": "报错信息或错误码（直接复制原文就行），或者界面上看到的情况",
        "expected": "正常情况下应该是什么效果",
        "impact": "大概多少用户受影响，是线上还是测试环境，从什么时候开始的",
        "device": "比如 小米 13、iPhone 14，多个机型都列一下",
        "summary": "一句话说一下遇到的问题",
        "sdk": "用的是哪个 SDK（包名）",
    },
}


# A report about the vendor's server (:mod:`bot.triage.deployment`): the same details, named
# and found the way a server is run — the image tag, the host, `docker logs`.
SERVER_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "sdk_version": "Server version",
        "platform": "How you deploy it",
        "os_version": "Server OS",
        "logs": "Server logs",
    },
    "en-api": {
        "sdk_version": "Server SDK version",
        "logs": "Request and response",
        "repro_steps": "The failing call",
    },
    "zh": {
        "sdk_version": "服务端版本号",
        "platform": "部署方式",
        "os_version": "服务器系统",
        "logs": "服务端日志",
        "repro_steps": "部署步骤",
    },
    "zh-api": {
        "sdk_version": "服务端 SDK 版本",
        "logs": "请求和响应",
        "repro_steps": "出错的接口",
    },
}

SERVER_SDK_VERSION: dict[str, dict[str, str]] = {
    "en": {
        "Docker": "run `docker images`, or look at the `image:` line in docker-compose.yml",
        "Kubernetes": "the image tag in your Helm values or Deployment, or run "
        "`kubectl get pods -o jsonpath='{..image}'`",
        "Linux": "the release you installed, or run the server binary with `--version`",
        "server API": "the server SDK or library you call the API with (go.mod, "
        "requirements.txt, pom.xml, package.json), or say you call the REST API over plain HTTP",
        "server": "the image tag you run (`docker images`, or the `image:` line in "
        "docker-compose.yml) or the release you deployed",
    },
    "zh": {
        "Docker": "执行 `docker images` 看镜像 tag，或看 docker-compose.yml 里 image: 那一行",
        "Kubernetes": "Helm values 或 Deployment 里的镜像 tag，也可以执行 "
        "`kubectl get pods -o jsonpath='{..image}'`",
        "Linux": "部署的 release 版本，或用 `--version` 运行服务端程序查看",
        "server API": "调用接口用的服务端 SDK/库及版本（go.mod、requirements.txt、"
        "pom.xml 里能看到）；直接发 HTTP 请求的话说一声就行",
        "server": "执行 `docker images` 看镜像 tag，或看 docker-compose.yml 里 image: 那一行，"
        "或者部署的 release 版本",
    },
}

SERVER_OS_VERSION: dict[str, dict[str, str]] = {
    "en": {
        "Kubernetes": "the Kubernetes version (`kubectl version`) and the nodes' OS "
        "(`cat /etc/os-release`)",
        "server": "the host's distribution and version — run `cat /etc/os-release` "
        "(e.g. Ubuntu 22.04, CentOS 7)",
    },
    "zh": {
        "Kubernetes": "Kubernetes 版本（`kubectl version`）和节点的系统（`cat /etc/os-release`）",
        "server": "服务器上执行 `cat /etc/os-release` 看发行版和版本"
        "（比如 Ubuntu 22.04、CentOS 7）",
    },
}

SERVER_LOGS: dict[str, dict[str, str]] = {
    "en": {
        "Docker": "`docker logs <container> > server.log` (or `docker compose logs > server.log`)",
        "Kubernetes": "`kubectl logs <pod> > server.log` (add `--previous` if the pod restarted)",
        "server API": "the request (method, URL, body without secrets) and the whole response: "
        "status code, body and any request ID",
        "server": "the server's output: `docker logs <container>`, `kubectl logs <pod>`, or "
        "`journalctl -u <service>` on a plain Linux host",
    },
    "zh": {
        "Docker": "执行 `docker logs <容器名> > server.log` 导出（docker-compose 部署可以用 "
        "`docker compose logs > server.log`）",
        "Kubernetes": "执行 `kubectl logs <pod名> > server.log` 导出"
        "（pod 重启过的话加 `--previous`）",
        "server API": "请求（方法、URL、去掉密钥的请求体）和完整的响应："
        "状态码、响应体和 request ID",
        "server": "服务端的输出：`docker logs <容器名>`、`kubectl logs <pod名>`，"
        "直接部署在 Linux 上的话用 `journalctl -u <服务名>`",
    },
}

SERVER_OTHER: dict[str, dict[str, str]] = {
    "en": {
        "platform": "Docker, docker-compose, Kubernetes (Helm) or straight on a Linux host — "
        "and which distribution",
    },
    "zh": {
        "platform": "用的是 Docker、docker-compose、Kubernetes（Helm），"
        "还是直接装在 Linux 服务器上",
    },
}


def for_platform(
    table: dict[str, str], platform: str | None, *, server: bool = False
) -> str | None:
    """The entry for the first of the reporter's platforms that ``table`` knows. ``server``:
    a server table, keyed by runtime ("Linux (Ubuntu 22.04)" is "Linux"), "server" by default."""
    for name in (platform or "").split(", "):
        key = name.split(" (", 1)[0] if server else name
        if key in table:
            return table[key]
    return table.get("server" if server else "")
