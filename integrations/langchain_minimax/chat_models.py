"""``ChatMiniMax``: LangChain's chat model interface over the SDK client, for every backend the SDK speaks.

```python
from langchain_minimax import ChatMiniMax

model = ChatMiniMax()  # backend, model and key from arguments, the environment or minimax.toml
model = ChatMiniMax(backend="openai", base_url="http://gpu-node:30000/v1")  # a vLLM / SGLang server
reply = model.invoke("Hello")
reply.content_blocks  # [{"type": "reasoning", ...}, {"type": "text", ...}]
```

Replies keep the model's reasoning as ``reasoning`` content blocks, and any assistant message given back in the
history (ours, LangGraph's v1-block copies, or messages with inline ``<think>``) has its reasoning sent back in
the form the backend expects: MiniMax-M2.1's interleaved thinking depends on it.
"""

from __future__ import annotations

import asyncio
import math
import threading
import warnings
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Mapping, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LangSmithParams, LanguageModelInput, ModelProfile
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, model_validator

from minimax_sdk import AsyncMiniMax, MiniMax, Settings, load_settings
from minimax_sdk.agent import estimate_tokens
from minimax_sdk.backends.base import ChatParams
from minimax_sdk.config import check_sampling
from minimax_sdk.messages import Message
from minimax_sdk.template import TemplateError

from ._convert import to_sdk_messages
from ._output import ChunkBuilder, chat_result, message_text
from ._profiles import model_profile
from ._structured import StructuredMethod, response_format_for, structured_output
from ._tools import ToolInput, tool_choice_param, tool_definitions
from ._version import __version__

__all__ = ["ChatMiniMax"]

_CLIENT_LOCK = threading.Lock()
CHARS_PER_TOKEN = 3.5
"""The SDK's estimate (see ``minimax_sdk.agent.estimate_tokens``)."""
# the client decides stream options per call; core strips the tracing-only keys, and so do we
_NAMED_PARAMS = frozenset(ChatParams.__annotations__)
_DROPPED_KWARGS = ("stream", "stream_options", "ls_structured_output_format", "structured_output_format")


class ChatMiniMax(BaseChatModel):
    """MiniMax-M2.1 (and the M2 family) as a LangChain chat model, on any backend of the SDK.

    Settings come from the arguments, then the environment (``MINIMAX_BACKEND``, ``MINIMAX_MODEL``,
    ``MINIMAX_BASE_URL``, ``MINIMAX_API_KEY`` — ``NVIDIA_API_KEY`` for ``backend="nvidia"``, ...), then
    ``minimax.toml``, exactly as for :class:`minimax_sdk.MiniMax`; the resolved values are visible on the
    instance. ``backend`` is ``"minimax"`` (the platform, reasoning split out), ``"minimax-inline"``,
    ``"nvidia"`` or ``"openai"`` (any OpenAI-compatible server: vLLM, SGLang, the SDK's embedded SGLang).

    Sampling fields left as None use the SDK's defaults (MiniMax's recommended ``temperature=1.0``,
    ``top_p=0.95``, ``top_k=40``). ``model_kwargs`` are sent with every request; per-call keyword arguments
    (``model``, ``temperature``, ``tool_choice``, ``response_format``, ...) win over both.
    """

    model_config = ConfigDict(populate_by_name=True)

    model: str | None = Field(default=None, alias="model_name")
    """Model id; None: the backend's default (``MiniMax-M2.1``, ``MiniMaxAI/MiniMax-M2.1``, ...)."""
    backend: str | None = None
    """SDK backend: ``minimax``, ``minimax-inline``, ``nvidia`` or ``openai``; None: env / file / ``minimax``."""
    base_url: str | None = Field(default=None, alias="api_base")
    """The OpenAI-compatible base URL (``.../v1``); None: the backend's default."""
    api_key: SecretStr | None = None
    """The key; None: read from the backend's environment variable (``MINIMAX_API_KEY``, ...)."""
    config_file: str | None = None
    """A ``minimax.toml`` to read instead of ``$MINIMAX_CONFIG`` / ``./minimax.toml``."""
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    """Sent as given when set (the SDK's default, 40, is not sent to the MiniMax platform or NVIDIA, whose docs
    do not list it)."""
    max_tokens: int | None = Field(default=None, alias="max_completion_tokens")
    stop: list[str] | None = Field(default=None, alias="stop_sequences")
    timeout: float | None = Field(default=None, alias="request_timeout")
    """Read timeout in seconds (the SDK's default: 600)."""
    max_retries: int | None = None
    """Retries of failed requests (the SDK's default: 2); streams are retried until the first token."""
    streaming: bool = False
    """Make ``invoke`` use the streaming endpoint."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Extra request fields sent with every call (e.g. ``{"top_k": 20}``)."""
    extra_body: dict[str, Any] | None = None
    """Fields merged into every request body after the backend's own (see ``minimax_sdk.Settings``)."""
    sglang: dict[str, Any] | None = None
    """``backend="sglang"``: the ``[sglang]`` settings of the supervised server (``model_path``, ``tp``, ...)."""
    forced_tool_choice: bool | None = None
    """Send a forced ``tool_choice`` (``"required"`` or a named tool) as asked. False: send ``"auto"`` instead,
    with a warning. None: from the profile — True for self-hosted servers, False for the MiniMax platform and
    NVIDIA, whose M2.x docs list only ``none`` / ``auto``."""

    _settings: Settings | None = PrivateAttr(default=None)
    _client: MiniMax | None = PrivateAttr(default=None)
    _async_client: tuple[asyncio.AbstractEventLoop, AsyncMiniMax, AsyncGenerator[None, None]] | None = PrivateAttr(
        default=None
    )

    # -- construction ------------------------------------------------------------------------------------------

    @model_validator(mode="before")
    @classmethod
    def _unknown_arguments_to_model_kwargs(cls, values: Any) -> Any:
        """Arguments that are not fields are request fields: moved to ``model_kwargs`` with a warning (as
        langchain-openai does), never dropped."""
        if not isinstance(values, dict):
            return values
        known = set(cls.model_fields) | {f.alias for f in cls.model_fields.values() if f.alias}
        unknown = [k for k in values if k not in known]
        if not unknown:
            return values
        values = dict(values)
        extra = dict(values.get("model_kwargs") or {})
        for key in unknown:
            warnings.warn(
                f"{key} is not a ChatMiniMax field: it is sent with every request (model_kwargs[{key!r}])",
                stacklevel=2,
            )
            extra[key] = values.pop(key)
        values["model_kwargs"] = extra
        return values

    def __init__(self, **data: Any) -> None:
        super().__init__(**data)
        self._resolve_minimax_settings()  # here, not in a validator: its ConfigError reaches the caller as is

    def _resolve_minimax_settings(self) -> None:
        """Resolve the SDK settings now, so a bad backend, URL, sampling value or missing key fails at
        construction with the SDK's :class:`~minimax_sdk.ConfigError`."""
        check_sampling({"temperature": self.temperature, "top_p": self.top_p, "top_k": self.top_k}, "ChatMiniMax")
        settings = load_settings(
            self.config_file,
            backend=self.backend,
            model=self.model,
            base_url=self.base_url,
            api_key=self.api_key.get_secret_value() if self.api_key is not None else None,
            timeout=self.timeout,
            max_retries=self.max_retries,
            extra_body=self.extra_body,
            sglang=self.sglang,
        )
        self._settings = settings
        self.backend, self.model, self.base_url = settings.backend, settings.model, settings.base_url
        if self.api_key is None and settings.api_key is not None:
            self.api_key = SecretStr(settings.api_key.get())
        if self.profile is None:
            self.profile = self._resolve_model_profile()
        self._add_version("minimax-sdk", __version__)

    def _resolve_model_profile(self) -> ModelProfile | None:
        if self.model is None or self.backend is None:
            return None
        return model_profile(self.model, self.backend)

    @property
    def settings(self) -> Settings:
        """The SDK settings this model uses."""
        if self._settings is None:  # only possible for an instance built with model_construct()
            raise RuntimeError("ChatMiniMax was not validated: build it with ChatMiniMax(...)")
        return self._settings

    @classmethod
    def is_lc_serializable(cls) -> bool:
        return True

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        return ["langchain_minimax", "chat_models"]

    @property
    def lc_secrets(self) -> dict[str, str]:
        return {"api_key": "MINIMAX_API_KEY"}

    @property
    def _llm_type(self) -> str:
        return "chat-minimax"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "model_name": self.model,
            "backend": self.backend,
            "base_url": self.base_url,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "top_k": self.top_k,
            "max_tokens": self.max_tokens,
            "stop": self.stop,
            "model_kwargs": self.model_kwargs,
        }

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = LangSmithParams(
            ls_provider="minimax",
            ls_model_name=str(kwargs.get("model") or self.model),
            ls_model_type="chat",
        )
        temperature = kwargs.get("temperature", self.temperature)
        if isinstance(temperature, int | float):
            params["ls_temperature"] = float(temperature)
        max_tokens = kwargs.get("max_tokens", self.max_tokens)
        if isinstance(max_tokens, int):
            params["ls_max_tokens"] = max_tokens
        if stop or self.stop:
            params["ls_stop"] = stop or self.stop
        return params

    # -- clients -----------------------------------------------------------------------------------------------

    def _sync_client(self) -> MiniMax:
        with _CLIENT_LOCK:
            if self._client is None:
                self._client = MiniMax(settings=self.settings)
            return self._client

    async def _async(self) -> AsyncMiniMax:
        """The async client of the running event loop (an httpx pool cannot move between loops). It is closed
        on that loop when the loop shuts down (``asyncio.run`` finalises async generators first), so one
        ``asyncio.run(model.ainvoke(...))`` after another leaves no connection behind."""
        loop = asyncio.get_running_loop()
        with _CLIENT_LOCK:
            current = self._async_client
            if current is not None and current[0] is loop:
                return current[1]
            client = AsyncMiniMax(settings=self.settings)
            keeper = _close_at_loop_shutdown(client)
            self._async_client = (loop, client, keeper)
        await keeper.asend(None)  # started: the loop now tracks it, and finalises it at shutdown
        return client

    # -- requests ----------------------------------------------------------------------------------------------

    def _request(
        self, messages: list[BaseMessage], stop: list[str] | None, kwargs: Mapping[str, Any]
    ) -> tuple[str, list[Message], list[dict[str, Any]] | None, dict[str, Any]]:
        """(model, SDK messages, tool definitions, request fields) for one call."""
        call = {k: v for k, v in kwargs.items() if k not in _DROPPED_KWARGS}
        tools = call.pop("tools", None)
        model = str(call.pop("model", None) or self.model)
        fields: dict[str, Any] = {
            "temperature": self.temperature,
            "top_p": self.top_p,
            "top_k": self.top_k,
            "max_tokens": self.max_tokens,
            "stop": (stop or self.stop) or None,
            **self.model_kwargs,
            **call,
        }
        fields = {k: v for k, v in fields.items() if v is not None}
        # model_kwargs are request fields: those the SDK does not name go into the body as they are
        unnamed = {k: fields.pop(k) for k in [k for k in fields if k not in _NAMED_PARAMS]}
        if unnamed:
            fields["extra_body"] = {**unnamed, **fields.get("extra_body", {})}
        fields["model"] = model
        if _is_forced(fields.get("tool_choice")) and not self._can_force_tool_choice():
            warnings.warn(
                f"{self.backend} does not document forced tool_choice for {self.model}: sending 'auto' "
                "(set forced_tool_choice=True to send it anyway)",
                stacklevel=4,
            )
            fields["tool_choice"] = "auto"
        return model, to_sdk_messages(messages), tools, fields

    def _can_force_tool_choice(self) -> bool:
        if self.forced_tool_choice is not None:
            return self.forced_tool_choice
        return bool((self.profile or {}).get("tool_choice", True))

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        model, sdk_messages, tools, fields = self._request(messages, stop, kwargs)
        return chat_result(self._sync_client().chat(sdk_messages, tools=tools, **fields), model)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        model, sdk_messages, tools, fields = self._request(messages, stop, kwargs)
        return chat_result(await (await self._async()).chat(sdk_messages, tools=tools, **fields), model)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        model, sdk_messages, tools, fields = self._request(messages, stop, kwargs)
        builder = ChunkBuilder(model)
        with self._sync_client().stream(sdk_messages, tools=tools, **fields) as events:
            for event in events:
                for message in builder.feed(event):
                    chunk = ChatGenerationChunk(message=message)
                    if run_manager is not None:
                        run_manager.on_llm_new_token(message_text(message), chunk=chunk)
                    yield chunk

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        model, sdk_messages, tools, fields = self._request(messages, stop, kwargs)
        builder = ChunkBuilder(model)
        async with (await self._async()).stream(sdk_messages, tools=tools, **fields) as events:
            async for event in events:
                for message in builder.feed(event):
                    chunk = ChatGenerationChunk(message=message)
                    if run_manager is not None:
                        await run_manager.on_llm_new_token(message_text(message), chunk=chunk)
                    yield chunk

    # -- token counts --------------------------------------------------------------------------------------------

    def get_num_tokens(self, text: str) -> int:
        """An estimate from the text's length (3.5 characters a token errs high for M2's 200k vocabulary):
        the model's tokenizer is not installed with the SDK, and LangChain's fallback (GPT-2) needs transformers
        and counts a different vocabulary."""
        return math.ceil(len(text) / CHARS_PER_TOKEN)

    def get_num_tokens_from_messages(self, messages: list[BaseMessage], tools: Sequence[Any] | None = None) -> int:
        """The estimated tokens of the prompt the M2 chat template renders for ``messages`` (and ``tools``), so
        ``trim_messages(token_counter=model)`` works without any tokenizer installed."""
        definitions = tool_definitions(tools) if tools else None
        try:
            return estimate_tokens(to_sdk_messages(messages), definitions, CHARS_PER_TOKEN)
        except (TemplateError, ValueError):  # a fragment the template cannot render: count its text
            return sum(self.get_num_tokens(m.text) for m in messages)

    # -- tools and structured output ---------------------------------------------------------------------------

    def bind_tools(
        self,
        tools: Sequence[ToolInput],
        *,
        tool_choice: str | bool | Mapping[str, Any] | None = None,
        strict: bool | None = None,
        parallel_tool_calls: bool | None = None,
        response_format: Mapping[str, Any] | type | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools (functions, pydantic models, TypedDicts, dataclasses, LangChain tools, dicts).

        Each goes through the SDK's ``Tool`` layer (see ``minimax_sdk.tools``). ``tool_choice``: ``"auto"``,
        ``"none"``, ``"any"`` / ``"required"`` / ``True`` (some call), or a tool's name. ``response_format``
        (as ``create_agent`` passes it: an OpenAI ``json_schema`` dict, or a schema class) is sent with the
        request. ``strict`` is accepted and not sent: the MiniMax platform rejects ``tools[].function.strict``.
        """
        del strict
        definitions = tool_definitions(tools)
        choice = tool_choice_param(tool_choice, [d["function"]["name"] for d in definitions])
        if choice is not None:
            kwargs["tool_choice"] = choice
        if parallel_tool_calls is not None:
            kwargs["parallel_tool_calls"] = parallel_tool_calls
        if response_format is not None:
            kwargs["response_format"] = _response_format_param(response_format)
        return super().bind(tools=definitions, **kwargs)

    def with_structured_output(
        self,
        schema: Mapping[str, Any] | type | None = None,
        *,
        include_raw: bool = False,
        method: StructuredMethod = "function_calling",
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, dict[str, Any] | BaseModel]:
        """A runnable that returns ``schema``-shaped output (a pydantic instance for a pydantic class).

        ``method``: ``"function_calling"`` (the default: the schema as a forced tool), ``"json_schema"``
        (``response_format`` with the schema, validated on the client) or ``"json_mode"`` (``json_object``;
        the prompt must ask for JSON). Only the reply's text is parsed, never its reasoning. ``include_raw``
        returns ``{"raw", "parsed", "parsing_error"}``.
        """
        if kwargs:
            raise ValueError(f"unsupported arguments: {', '.join(sorted(kwargs))}")
        return structured_output(self, schema, method=method, include_raw=include_raw, strict=strict)


async def _close_at_loop_shutdown(client: AsyncMiniMax) -> AsyncGenerator[None, None]:
    """Suspended for the life of its loop; ``loop.shutdown_asyncgens()`` closes it, and the client with it."""
    try:
        yield
    finally:
        await client.aclose()


def _is_forced(choice: Any) -> bool:
    return choice == "required" or isinstance(choice, Mapping)


def _response_format_param(response_format: Mapping[str, Any] | type) -> dict[str, Any]:
    if isinstance(response_format, Mapping):
        return dict(response_format)
    return response_format_for(response_format, None)
