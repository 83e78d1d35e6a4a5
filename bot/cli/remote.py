"""A running deskbot service as the CLI's docs bot (``deskbot ask --server URL``).

The service already holds the model and the indexes, so a question costs it milliseconds
where a fresh process would load them first. Plain ``urllib``: importing an HTTP client
library would cost the cold call more than the request itself.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from bot.errors import DeskbotError, InvalidInput, ServiceUnavailable


class ServerUnreachable(ServiceUnavailable):
    """Nothing answers at the service's address (refused, unknown host, timed out)."""


class RemoteDocs:
    """``/api/docs/search`` and ``/api/docs/ask`` of the service at ``url``."""

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        if not url.lower().startswith(("http://", "https://")):
            raise InvalidInput(f"--server needs an http:// or https:// address, not {url!r}")
        self.url = url.rstrip("/")
        self.timeout = timeout

    def search(
        self, query: str, *, k: int = 5, platform: str | None = None, product: str | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"query": query, "k": k}
        if platform:
            body["platform"] = platform
        if product:
            body["product"] = product
        return self._post("/api/docs/search", body)

    def ask(self, question: str) -> dict[str, Any]:
        return self._post("/api/docs/ask", {"question": question})

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            # nosec B310: the scheme is checked in __init__ (http or https only)
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # nosec B310
                payload = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise _http_error(self.url, exc) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ServerUnreachable(f"no deskbot service at {self.url}: {reason}") from None
        except ValueError:
            raise ServiceUnavailable(f"{self.url} did not answer with JSON") from None
        if not isinstance(payload, dict):
            raise ServiceUnavailable(f"{self.url} answered with something unexpected")
        return payload


def _http_error(url: str, exc: urllib.error.HTTPError) -> DeskbotError:
    try:
        data = json.loads(exc.read() or b"{}")
    except ValueError:
        data = {}
    message = data.get("error") if isinstance(data, dict) else None
    if not message and isinstance(data, dict) and data.get("detail"):
        message = "; ".join(
            str(d.get("msg", d)) if isinstance(d, dict) else str(d)
            for d in (data["detail"] if isinstance(data["detail"], list) else [data["detail"]])
        )
    if exc.code == 404:
        message = f"{url} has no docs API (an older deskbot, or not deskbot)"
    text = f"the service at {url} said: {message or exc.reason}"
    return InvalidInput(text) if exc.code == 422 else ServiceUnavailable(text)
