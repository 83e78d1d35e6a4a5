"""The chat model seam, and its one LangChain adapter (``langchain_openai.ChatOpenAI``).

LangChain types never leave this module: callers pass strings and get strings back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol


class LLMError(Exception):
    """The model could not be reached, timed out or answered nonsense."""


class ChatModel(Protocol):
    def stream(self, system: str, user: str) -> Iterator[str]:
        """Pieces of the assistant's reply as they arrive."""
        ...


class OpenAIChat:
    """Any OpenAI-compatible endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp server)."""

    def __init__(
        self,
        *,
        model: str,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 20.0,
        temperature: float = 0.0,
    ) -> None:
        self.model = model
        self.api_key = api_key or "not-needed"
        self.base_url = base_url
        self.timeout = timeout
        self.temperature = temperature
        self._chat: Any = None

    def _client(self) -> Any:
        if self._chat is None:
            from langchain_openai import ChatOpenAI  # lazy: langchain is slow to import

            self._chat = ChatOpenAI(
                model=self.model,
                api_key=self.api_key,  # type: ignore[arg-type]
                base_url=self.base_url,
                timeout=self.timeout,
                max_retries=0,
                temperature=self.temperature,
            )
        return self._chat

    def stream(self, system: str, user: str) -> Iterator[str]:
        from langchain_core.messages import HumanMessage, SystemMessage

        messages = [SystemMessage(content=system), HumanMessage(content=user)]
        try:
            for chunk in self._client().stream(messages):
                content = chunk.content
                if isinstance(content, str):
                    if content:
                        yield content
                elif isinstance(content, list):
                    text = "".join(
                        p.get("text", "") if isinstance(p, dict) else str(p) for p in content
                    )
                    if text:
                        yield text
        except Exception as exc:  # openai/httpx/langchain raise many types; translate here
            raise LLMError(f"LLM request failed: {type(exc).__name__}: {exc}") from exc
