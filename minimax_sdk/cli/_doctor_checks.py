"""The checks of ``minimax doctor``: does the configured backend answer, and does reasoning come back where the
backend expects it. Each check gives a :class:`Check`; a failed one carries the fix as one sentence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from .._secret import shown_url
from .._user_agent import user_agent
from ..config import Settings
from ..errors import APIConnectionError, APIError, APITimeoutError, ResponseValidationError

__all__ = ["Check", "chat_checks", "model_info_check", "models_check"]

_PROBE_TIMEOUT_S = 30.0
_PROBE_MESSAGES = [{"role": "user", "content": "Reply with OK."}]

# where each backend expects the reasoning (None: any channel will do; the SDK reads them all)
_EXPECTED_CHANNELS: dict[str, frozenset[str] | None] = {
    "minimax": frozenset({"reasoning_details"}),
    "minimax-inline": frozenset({"inline"}),
    "nvidia": frozenset({"reasoning_content", "reasoning", "inline"}),
}
# the backend that reads a channel as its own, for the fix
_BACKEND_FOR_CHANNEL = {
    "reasoning_details": 'backend = "minimax" (the MiniMax platform with reasoning_split)',
    "inline": 'backend = "openai" (a vLLM/SGLang server) or "minimax-inline" (the MiniMax platform without '
    "reasoning_split)",
    "reasoning_content": 'backend = "openai" (a vLLM/SGLang server with a reasoning parser)',
    "reasoning": 'backend = "openai" (a vLLM/SGLang server with a reasoning parser)',
}


@dataclass(frozen=True)
class Check:
    """One check's outcome: ``ok`` True (passed), False (a problem, with its ``fix``) or None (skipped)."""

    name: str
    ok: bool | None
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = {True: "ok  ", False: "FAIL", None: "skip"}[self.ok]
        fix = f" Fix: {self.fix}" if self.ok is False and self.fix else ""
        return f"  {mark}  {self.name}: {self.detail}{fix}"


def how_to_set(key: str, value: str, source: str) -> str:
    """``set MINIMAX_BASE_URL=...`` / ``in minimax.toml set base_url = "..."`` / ``--base-url ...``: where the
    user changes ``key``, from where its value came."""
    if source.startswith("environment variable "):
        return f"set {source.removeprefix('environment variable ')}={value}"
    if source.startswith("file "):
        return f'in {source.removeprefix("file ")} set {key} = "{value}"'
    if source == "argument":
        return f"pass --{key.replace('_', '-')} {value}"
    return f"set MINIMAX_{key.upper()}={value} (or {key} in minimax.toml)"


def _key_fix(settings: Settings, sources: Mapping[str, str]) -> str:
    source = sources.get("api_key", "not set")
    if source.startswith("environment variable "):
        return f"set {source.removeprefix('environment variable ')} to a valid key for this server"
    if source == "argument":
        return "pass a valid api_key"
    if source.startswith("file "):
        return f"put a valid key in {settings.kind.api_key_env[0] if settings.kind.api_key_env else 'MINIMAX_API_KEY'}"
    return f"set {settings.kind.api_key_env[0] if settings.kind.api_key_env else 'MINIMAX_API_KEY'} to your key"


def _url_fix(settings: Settings, sources: Mapping[str, str]) -> str | None:
    """``add /v1: ...`` when the base URL does not end in ``/v1``; else None."""
    base_url = settings.base_url or ""
    if urlsplit(base_url).path.rstrip("/").endswith("/v1"):
        return None
    return f"add /v1: {how_to_set('base_url', shown_url(base_url.rstrip('/') + '/v1'), sources['base_url'])}"


def _status_problem(
    name: str, what: str, status: int, settings: Settings, sources: Mapping[str, str], *, allow_404: bool = False
) -> Check | None:
    if status in (401, 403):
        return Check(
            name, False, f"the server refused the API key ({what} -> HTTP {status}).", _key_fix(settings, sources)
        )
    if status == 404:
        fix = _url_fix(settings, sources)
        if fix is not None:
            return Check(name, False, f"nothing at {what} (HTTP 404): base_url does not end in /v1.", fix)
        if allow_404:
            return None
        return Check(name, False, f"nothing at {what} (HTTP 404).", "check base_url and model")
    if status >= 400:
        return Check(name, False, f"{what} -> HTTP {status}.", "check base_url; the server's log says why")
    return None


def models_check(settings: Settings, sources: Mapping[str, str], client: httpx.Client) -> list[Check]:
    """``GET {base_url}/models``: the server answers, takes the key, and serves the configured model."""
    name = "models list"
    url = f"{(settings.base_url or '').rstrip('/')}/models"
    what = f"GET {shown_url(url)}"
    try:
        resp = client.get(url, headers=_headers(settings))
    except httpx.TimeoutException:
        return [Check(name, False, f"{what} timed out.", "check base_url and that the server is up")]
    except httpx.HTTPError as exc:
        detail = f"cannot reach {what} ({type(exc).__name__})."
        return [Check(name, False, detail, "check base_url and that the server is running")]
    problem = _status_problem(name, what, resp.status_code, settings, sources, allow_404=True)
    if problem is not None:
        return [problem]
    if resp.status_code == 404:
        return [Check(name, None, f"{what} -> 404: this server does not list its models")]
    served = _model_ids(resp)
    checks = [Check(name, True, f"{what} -> {resp.status_code}" + (f", serves {', '.join(served)}" if served else ""))]
    if served and settings.model not in served:
        detail = f"model {settings.model!r} is not served there (it serves {', '.join(served)})."
        checks.append(Check("model", False, detail, how_to_set("model", served[0], sources["model"])))
    return checks


def model_info_check(settings: Settings, sources: Mapping[str, str], client: httpx.Client) -> Check:
    """SGLang attach mode: ``GET {root}/model_info``, where the SDK learns the server's reasoning parser."""
    root = (settings.base_url or "").rstrip("/").removesuffix("/v1")
    what = f"GET {shown_url(root)}/model_info"
    try:
        resp = client.get(f"{root}/model_info", headers=_headers(settings))
    except httpx.HTTPError as exc:
        return Check("model_info", False, f"cannot reach {what} ({type(exc).__name__}).", "check base_url")
    problem = _status_problem("model_info", what, resp.status_code, settings, sources, allow_404=False)
    if problem is not None:
        if resp.status_code == 404:
            fix = (
                'base_url must be an SGLang server\'s (http://HOST:PORT/v1); for another server use backend = "openai"'
            )
            return replace(problem, fix=fix)
        return problem
    info = _json(resp)
    if not isinstance(info, Mapping):
        return Check("model_info", False, f"{what} did not answer JSON.", "check base_url is an SGLang server")
    detail = (
        f"{what} -> model {info.get('model_path')}, reasoning parser {info.get('reasoning_parser') or 'none'}, "
        f"tool-call parser {info.get('tool_call_parser') or 'none'}"
    )
    return Check("model_info", True, detail)


def chat_checks(settings: Settings, sources: Mapping[str, str]) -> list[Check]:
    """A one-token chat (``max_tokens=1``), then where its reasoning came back."""
    from ..client import MiniMax

    name = "one-token chat"
    probe = replace(settings, max_retries=0, timeout=min(settings.timeout, _PROBE_TIMEOUT_S), deadline=None)
    what = f"POST {shown_url((settings.base_url or '').rstrip('/'))}/chat/completions"
    try:
        with MiniMax(settings=probe) as client:
            response = client.chat(_PROBE_MESSAGES, max_tokens=1)
    except APIError as exc:
        return [_chat_problem(name, what, exc, settings, sources)]
    detail = f"{what} (max_tokens=1) -> answered" + (
        f" (request id {response.request_id})" if response.request_id else ""
    )
    return [Check(name, True, detail), _reasoning_check(settings, sources, response.message.reasoning_channel)]


def _chat_problem(name: str, what: str, exc: APIError, settings: Settings, sources: Mapping[str, str]) -> Check:
    if exc.status_code is not None:
        problem = _status_problem(name, what, exc.status_code, settings, sources)
        if problem is not None:
            return problem
    if isinstance(exc, APITimeoutError):
        return Check(name, False, f"{what} timed out.", "check that the server is up and not overloaded")
    if isinstance(exc, APIConnectionError):
        return Check(name, False, f"cannot reach {what}.", "check base_url and that the server is running")
    if isinstance(exc, ResponseValidationError):
        fix = "point base_url at an OpenAI-compatible API (its /v1)"
        return Check(name, False, f"{what} answered something that is not a chat completion.", fix)
    return Check(name, False, f"{what} failed: {type(exc).__name__}: {exc.message}", "see the error above")


def _reasoning_check(settings: Settings, sources: Mapping[str, str], channel: str | None) -> Check:
    name = "reasoning channel"
    backend = settings.backend
    expected = _EXPECTED_CHANNELS.get(backend)
    if channel is None:
        detail = "no reasoning came back: the model's thinking is lost, and M2.1 needs it sent back each turn."
        fix = (
            "serve an M2 model with its reasoning kept (SGLang/vLLM: a minimax reasoning parser, or none at all; "
            "never one that drops it)"
        )
        return Check(name, False, detail, fix)
    if expected is None or channel in expected:
        where = "inline in the content" if channel == "inline" else f"in {channel}"
        return Check(name, True, f"reasoning arrived {where}, as backend {backend!r} reads it")
    wanted = " or ".join(sorted(expected))
    where = "inline in the content" if channel == "inline" else f"in {channel}"
    detail = f"reasoning arrived {where}, but backend {backend!r} expects {wanted}: the server speaks another dialect."
    suggestion = _BACKEND_FOR_CHANNEL.get(channel, 'backend = "openai"')
    return Check(name, False, detail, f"set {suggestion}, e.g. {_backend_hint(suggestion, sources)}")


def _backend_hint(suggestion: str, sources: Mapping[str, str]) -> str:
    name = suggestion.split('"')[1]
    return how_to_set("backend", name, sources.get("backend", "default"))


def _headers(settings: Settings) -> dict[str, str]:
    headers = {"user-agent": user_agent(), "accept": "application/json"}
    if settings.api_key is not None:
        headers["authorization"] = f"Bearer {settings.api_key.get()}"
    return headers


def _json(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None


def _model_ids(resp: httpx.Response) -> list[str]:
    data = _json(resp)
    items = data.get("data") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        return []
    return [str(item["id"]) for item in items if isinstance(item, Mapping) and isinstance(item.get("id"), str)]
