"""Property-based fuzzing of every route in the OpenAPI schema (schemathesis): whatever is
sent, anonymous or signed in, the answer is never a 5xx, and every error carries the
documented shape ``{"error": "..."}``."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from bot.context import AppContext
from bot.service.app import create_app

pytestmark = pytest.mark.slow
EXAMPLES = 30  # per operation


def _check(case: Any, headers: dict[str, str], failures: list[str]) -> None:
    where = f"{case.method} {case.formatted_path}"
    try:
        response = case.call(headers=headers)
    except Exception as exc:  # the test client re-raises what the server crashed on
        failures.append(f"{where}: {type(exc).__name__}: {exc} for {case.as_curl_command()}")
        return
    if response.status_code >= 500:
        failures.append(f"{where}: {response.status_code} for {case.as_curl_command()}")
    elif response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not (isinstance(body, dict) and isinstance(body.get("error"), str)):
            failures.append(f"{where}: {response.status_code} without the error shape")


def test_no_route_answers_5xx_or_an_undocumented_error(web_ctx: AppContext) -> None:
    web_ctx.settings = web_ctx.settings.model_copy(update={"rate_limits": False})
    app: FastAPI = create_app(web_ctx.settings, context=web_ctx, start=())
    app.state.ctx = web_ctx  # what the lifespan does; schemathesis calls the app directly
    token = TestClient(app).post("/api/session", json={"account_key": "demo-key-pixelpals"})
    identities = ({}, {"Authorization": f"Bearer {token.json()['token']}"})
    api = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in api.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Any) -> None:
            for headers in identities:
                _check(case, headers, failures)

        fuzz()
    assert operations >= 10
    assert failures == [], "\n".join(sorted(set(failures))[:20])
