"""Any OpenAI-compatible chat server (vLLM, TGI, the llama.cpp server, Ollama, a hosted API).

The ``openai`` engines are the chat engines of :mod:`.chat` over :class:`OpenAIChat`, which posts
to ``{base_url}/chat/completions`` with httpx: greedy replies, a timeout per request, retries with
backoff on connection errors, 429 and 5xx, and at most ``concurrency`` requests in flight. The API
key is read from the environment variable the preset names, never from the preset itself. Token
counts are estimated from characters (servers do not share their tokenizer), on the safe side.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, EngineTimeoutError, EngineUnavailableError, ModelNotAvailableError
from .chat import ChatModel, ChatSummarizer, ChatTranslator, Messages

if TYPE_CHECKING:
    import httpx

    from ..config import RuntimeConfig, SummarizeConfig, TranslateConfig
    from ..text.langid import LanguageIdentifier

__all__ = ["OpenAIChat", "OpenAIOptions", "OpenAISummarizer", "OpenAITranslator"]

DEFAULT_CONTEXT = 4096
# BPE tokenizers average about 4 characters a token in English and Spanish news; 3 is on the safe side
CHARS_PER_TOKEN = 3
GUARD_FREQUENCY_PENALTY = 0.5
RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class OpenAIOptions:
    """The ``openai`` engines' own settings in ``[translate]`` and ``[summarize]``.

    The model is ``model`` in ``[summarize]``, and ``models`` (one per direction) in ``[translate]``:
    the names the server knows its models by.

    Attributes:
        base_url: the API root, e.g. ``http://localhost:8000/v1``; ``None`` reads ``base_url_env``.
        base_url_env: the environment variable holding the API root when ``base_url`` is not set.
        api_key_env: the environment variable holding the API key (unset: no key is sent).
        context: the served model's context size in tokens.
        timeout: seconds to wait for one reply.
        retries: further tries of a request after a connection error, a timeout, 429 or 5xx.
        concurrency: requests in flight at once.
        prompts: folder of prompt templates; ``None`` uses the shipped ones.
    """

    base_url: str | None = None
    base_url_env: str = "SUMMARIZE_OPENAI_BASE_URL"
    api_key_env: str = "SUMMARIZE_OPENAI_API_KEY"
    context: int = DEFAULT_CONTEXT
    timeout: float = 120.0
    retries: int = 2
    concurrency: int = 4
    prompts: str | None = None

    def validate(self) -> None:
        """Raise ``ValueError`` for an impossible setting."""
        if self.base_url is not None and not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, not {self.base_url!r}")
        if self.context < 256:
            raise ValueError(f"context must be at least 256 tokens, not {self.context}")
        if self.timeout <= 0:
            raise ValueError(f"timeout must be positive, not {self.timeout}")
        if self.retries < 0:
            raise ValueError(f"retries must be 0 or more, not {self.retries}")
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, not {self.concurrency}")

    def resolved_base_url(self) -> str:
        """The API root, from the preset or the environment.

        Raises:
            ConfigError: when neither gives one.
        """
        url = self.base_url or os.environ.get(self.base_url_env, "").strip()
        if not url:
            raise ConfigError("the openai engine has no server address",
                              hint=f"Set base_url in the preset, or the environment variable {self.base_url_env} "
                                   "(e.g. http://localhost:8000/v1).")
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"the openai engine's server address {url!r} is not an http(s) URL")
        return url.rstrip("/")


class OpenAIChat:
    """One served model behind the :class:`~.chat.ChatModel` protocol.

    Args:
        model: the name the server knows the model by.
        options: server address, key, timeouts, retries, concurrency.
        transport: an httpx transport (tests); ``None`` for the network.
    """

    def __init__(self, model: str, options: OpenAIOptions, *, transport: httpx.BaseTransport | None = None) -> None:
        import httpx

        self.model = model
        self.options = options
        self.base_url = options.resolved_base_url()
        key = os.environ.get(options.api_key_env, "")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.client = httpx.Client(base_url=self.base_url, headers=headers, timeout=options.timeout,
                                   transport=transport)

    @property
    def context(self) -> int:
        return self.options.context

    def count_tokens(self, text: str) -> int:
        return len(text) // CHARS_PER_TOKEN + 1

    def complete(self, conversations: Sequence[Messages], *, max_tokens: int, guard: bool = False) -> list[str]:
        def one(messages: Messages) -> str:
            body: dict[str, Any] = {"model": self.model, "messages": messages, "max_tokens": max_tokens,
                                    "temperature": 0.0}
            if guard:
                body["frequency_penalty"] = GUARD_FREQUENCY_PENALTY
            return self._post(body)

        if len(conversations) == 1 or self.options.concurrency == 1:
            return [one(m) for m in conversations]
        with ThreadPoolExecutor(max_workers=min(self.options.concurrency, len(conversations))) as pool:
            return list(pool.map(one, conversations))

    def _post(self, body: dict[str, Any]) -> str:
        import httpx

        where = f"{self.base_url}/chat/completions"
        for attempt in range(self.options.retries + 1):
            last = attempt == self.options.retries
            try:
                response = self.client.post("/chat/completions", json=body)
            except httpx.TimeoutException as exc:
                if last:
                    raise EngineTimeoutError(f"{where} did not answer within {self.options.timeout:g} s",
                                             hint="Raise timeout in the preset, or use a smaller input.") from exc
            except httpx.TransportError as exc:
                if last:
                    raise EngineUnavailableError(f"cannot reach the chat server at {self.base_url}: {exc}",
                                                 hint=f"Start the server, or fix base_url / "
                                                      f"{self.options.base_url_env}.") from exc
            else:
                if response.status_code not in RETRY_STATUSES or last:
                    return self._reply(response, where)
            time.sleep(min(8.0, 0.5 * 2**attempt))
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def _reply(self, response: httpx.Response, where: str) -> str:
        if response.status_code in (401, 403):
            raise EngineUnavailableError(f"{where} refused the request ({response.status_code})",
                                         hint=f"Put a valid API key in {self.options.api_key_env}.")
        if response.status_code == 404:
            raise ModelNotAvailableError(f"{where} answered 404 for model {self.model!r}", model=self.model,
                                         hint="Check base_url (it usually ends in /v1) and the model name.")
        if response.status_code >= 400:
            raise EngineUnavailableError(f"{where} answered {response.status_code}: {response.text[:200]}",
                                         hint="See the server's log.")
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise EngineUnavailableError(f"{where} did not answer with an OpenAI chat completion: "
                                         f"{response.text[:200]!r}",
                                         hint="Is base_url an OpenAI-compatible API?") from exc
        return str(content or "")


class OpenAITranslator(ChatTranslator):
    """Prompted translation on an OpenAI-compatible server (``models`` names the served model per direction)."""

    engine = "openai"
    batch_invariant = True  # one request a text (what the server batches is the server's own)
    Options = OpenAIOptions

    def __init__(self, config: TranslateConfig, runtime: RuntimeConfig, *,
                 langid: LanguageIdentifier | None = None) -> None:
        super().__init__(config, runtime, langid=langid)
        self.options = OpenAIOptions(**config.options)
        self.prompts_folder = self.options.prompts

    def open_chat(self, model: str) -> ChatModel:
        return OpenAIChat(model, self.options)


class OpenAISummarizer(ChatSummarizer):
    """Instruct summaries on an OpenAI-compatible server (``model`` is the served model's name)."""

    engine = "openai"
    batch_invariant = True  # one request a text (what the server batches is the server's own)
    Options = OpenAIOptions

    def __init__(self, config: SummarizeConfig, runtime: RuntimeConfig, *,
                 langid: LanguageIdentifier | None = None) -> None:
        super().__init__(config, runtime, langid=langid)
        self.options = OpenAIOptions(**config.options)
        self.prompts_folder = self.options.prompts

    def open_chat(self) -> ChatModel:
        return OpenAIChat(self.config.model, self.options)
