"""Files shared in a thread become :class:`Upload` objects (logs, usually).

``files.info`` gives the private download URL; the download carries the bot token, so it is
only sent to Slack's own file host or to the configured Web API host (a stub or proxy), never
to a host named by a message. Files over ``max_upload_mb`` are skipped and reported.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from slack_sdk.errors import SlackApiError

from bot.conversation.types import Upload
from bot.slack.client import api_base_url
from bot.slack.runtime import SlackRuntime

log = logging.getLogger("deskbot.slack.files")
SLACK_FILE_HOSTS = frozenset({"files.slack.com", "slack-files.com"})


@dataclass
class FetchedFiles:
    uploads: list[Upload] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "name (why)" for the thread


def fetch_uploads(rt: SlackRuntime, files: list[dict[str, Any]] | None) -> FetchedFiles:
    """Download each shared file within the size limit; never raises for one bad file."""
    out = FetchedFiles()
    limit = rt.ctx.settings.max_upload_mb * 1024 * 1024
    for shared in files or []:
        name = str(shared.get("name") or shared.get("id") or "file")
        try:
            info = rt.client.files_info(file=shared["id"]).get("file") or {}
            name = str(info.get("name") or name)
            size = int(info.get("size") or 0)
            if size > limit:
                out.skipped.append(f"{name} (over {rt.ctx.settings.max_upload_mb} MB)")
                continue
            url = info.get("url_private_download") or info.get("url_private")
            if not url or not _trusted(rt, str(url)):
                out.skipped.append(f"{name} (no download link)")
                continue
            data = _download(rt, str(url), limit)
            if data is None:
                out.skipped.append(f"{name} (over {rt.ctx.settings.max_upload_mb} MB)")
                continue
            mime = str(info.get("mimetype") or "application/octet-stream")
            out.uploads.append(Upload(filename=name, content_type=mime, data=data))
        except (SlackApiError, httpx.HTTPError, KeyError, ValueError) as exc:
            log.warning("could not fetch %s: %s", name, exc)
            out.skipped.append(f"{name} (could not download)")
    return out


def _trusted(rt: SlackRuntime, url: str) -> bool:
    host = urlsplit(url).hostname or ""
    api_host = urlsplit(api_base_url(rt.ctx.settings)).hostname or ""
    return host in SLACK_FILE_HOSTS or host == api_host


def _download(rt: SlackRuntime, url: str, limit: int) -> bytes | None:
    """The file's bytes, or None when it turns out larger than the limit."""
    token = rt.ctx.settings.slack_bot_token
    headers = {"Authorization": f"Bearer {token.get_secret_value()}"} if token else {}
    chunks: list[bytes] = []
    total = 0
    with (
        httpx.Client(timeout=30, follow_redirects=False) as http,
        http.stream("GET", url, headers=headers) as response,
    ):
        response.raise_for_status()
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > limit:
                return None
            chunks.append(chunk)
    return b"".join(chunks)
