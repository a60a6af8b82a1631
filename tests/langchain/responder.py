"""A reference server that follows the request: the wire-conformance stand-in for a real MiniMax-M2.1.

``ConformingServer`` is the SDK's ``ReferenceServer`` whose empty script is filled, request by request, by
:func:`respond`: a deterministic "model" that reads the request's ``tools``, ``tool_choice``,
``response_format``, ``stop`` and messages, and answers the way the standard suites' scenarios expect (call
the forced or named tool with arguments built from its schema and the prompt, return JSON that fits the
requested schema, answer a tool result in text). Every answer carries reasoning, including a decoy JSON
object, so reasoning that leaks into text or JSON breaks the tests. Scripted turns still win.

It uses the server's ``responder`` hook (a callable from the request payload to a ``Turn`` or None), asked
when a request finds the script empty.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from minimax_sdk.testing import ReferenceServer, Turn

REASONING = 'The user needs an answer. A draft like {"draft": true} is not the answer; think, then reply.'
_QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"")
_NUMBER = re.compile(r"-?\d+")
_FORCING = ("required", "any")


class ConformingServer(ReferenceServer):
    """A ``ReferenceServer`` that answers an unscripted request with :func:`respond`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("responder", respond)
        super().__init__(*args, **kwargs)


def respond(payload: Mapping[str, Any]) -> Turn:
    """The turn a well-behaved model would give for this request."""
    messages = payload.get("messages") or []
    last = messages[-1] if messages else {}
    prompt = _last_user_text(messages)
    tools = payload.get("tools") or []
    choice = payload.get("tool_choice")
    forced = choice in _FORCING or isinstance(choice, Mapping)
    if tools and choice != "none" and (forced or last.get("role") == "user"):
        tool = _pick_tool(tools, choice, prompt)
        arguments = _value(tool.get("parameters") or {}, prompt, _Numbers(prompt), tool.get("parameters") or {})
        return Turn(
            reasoning=REASONING,
            content=f"Calling {tool['name']}.",
            tool_calls=[{"name": tool["name"], "arguments": arguments}],
        )
    response_format = payload.get("response_format")
    if isinstance(response_format, Mapping) and response_format.get("type") in ("json_schema", "json_object"):
        return Turn(reasoning=REASONING, content=json.dumps(_json_answer(response_format, prompt), ensure_ascii=False))
    if last.get("role") == "tool":
        text = f"The tool says: {last.get('content')}. That is your answer."
    else:
        text = f"Hello! You said: {prompt or '(nothing)'}. How can I help you?"
    return Turn(reasoning=REASONING, content=_apply_stop(text, payload.get("stop")))


def _last_user_text(messages: list[Any]) -> str:
    for message in reversed(messages):
        if isinstance(message, Mapping) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return content
            if isinstance(content, list):
                return "".join(p.get("text", "") for p in content if isinstance(p, Mapping))
    return ""


def _pick_tool(tools: list[Any], choice: Any, prompt: str) -> dict[str, Any]:
    functions = [t.get("function", t) for t in tools]
    if isinstance(choice, Mapping):
        wanted = (choice.get("function") or {}).get("name")
        return next(f for f in functions if f["name"] == wanted)
    named = [f for f in functions if f["name"] in prompt]
    return named[0] if named else functions[0]


def _json_answer(response_format: Mapping[str, Any], prompt: str) -> Any:
    if response_format["type"] == "json_schema":
        schema = response_format["json_schema"]["schema"]
        return _value(schema, prompt, _Numbers(prompt), schema)
    keys = [a or b for a, b in _QUOTED.findall(prompt)]
    return {key: f"{key} about {prompt[:40]}" for key in keys} or {"answer": prompt}


def _apply_stop(text: str, stop: Any) -> str:
    for word in stop if isinstance(stop, list) else []:
        if isinstance(word, str) and word and word in text:
            text = text[: text.index(word)]
    return text


class _Numbers:
    """The integers of the prompt, handed out in order (``magic_function(3)`` → 3), then 1."""

    def __init__(self, prompt: str) -> None:
        self._values = [int(n) for n in _NUMBER.findall(prompt)]

    def next(self) -> int:
        return self._values.pop(0) if self._values else 1


def _value(schema: Mapping[str, Any], prompt: str, numbers: _Numbers, root: Mapping[str, Any], name: str = "") -> Any:
    """A value that fits ``schema``, taken from the prompt where it can be (quoted text, numbers)."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target: Any = root
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        return _value(target, prompt, numbers, root, name)
    for key in ("anyOf", "oneOf", "allOf"):
        options = [o for o in schema.get(key) or [] if o.get("type") != "null"]
        if options:
            return _value(options[0], prompt, numbers, root, name)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object":
        properties = schema.get("properties") or {}
        return {key: _value(sub, prompt, numbers, root, key) for key, sub in properties.items()}
    if kind == "array":
        return [_value(schema.get("items") or {}, prompt, numbers, root, name)]
    if kind == "integer":
        return numbers.next()
    if kind == "number":
        return float(numbers.next())
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    quoted = [a or b for a, b in _QUOTED.findall(prompt)]
    return quoted[0] if quoted else f"{name or 'value'} for: {prompt[:60]}"
