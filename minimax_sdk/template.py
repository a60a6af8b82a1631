"""Render conversations in the MiniMax-M2 chat format, byte for byte, without Jinja.

The output is what MiniMax-M2's Hugging Face chat template
(``shared/reference/minimax_m2_chat_template.jinja``) writes when transformers renders it (``trim_blocks``,
``lstrip_blocks``, ``tojson`` = ``json.dumps(..., ensure_ascii=False)``). Raw-prompt backends (an SGLang
``Engine``, ``/generate``) and token budgeting use it; the conformance tests compare it with the template.

Replicated exactly, surprising as some of it is:

- only ``messages[0]`` can be the system message; a later ``system`` message is silently dropped;
- reasoning is written only for assistant turns after the last ``user`` message;
- without a string ``reasoning_content``, reasoning is taken from content containing ``</think>``: the text
  before the first ``</think>``, after its last ``<think>``, stripped of ``\\n``; content becomes the text
  after the last ``</think>``, stripped of ``\\n`` (text between two ``</think>`` is lost);
- a list of content parts is the concatenation of its ``text`` parts and bare strings (others dropped);
- consecutive tool results share one ``]~b]tool`` header; list content writes each item as
  ``\\n<response>ITEM\\n</response>`` where ITEM is ``output``, else ``text`` of a text part, else the item,
  converted with ``str()`` as Jinja prints it;
- nothing is escaped: names, values and content go in verbatim.

Deviations, where the template fails or writes something no caller wants (``docs/template.md`` gives the
reasons):

- ``content: None`` renders as ``""``, and so does a text part whose ``text`` is ``None`` (the template
  writes ``None``; for a ``tool`` message it raises);
- tool-call ``arguments`` given as a JSON string (the OpenAI wire format) is decoded and must be a JSON
  object; missing, ``None`` or blank arguments mean no arguments (the template needs a dict);
- a flat tool (``{"name", "parameters"}``) or an object with ``.definition`` is accepted (the template needs
  ``{"type": "function", "function": {...}}``);
- an assistant ``reasoning`` field (vLLM's newer name) is used when ``reasoning_content`` is absent or
  ``None`` (the template ignores it);
- a message with an unknown role raises :class:`TemplateError` (the template drops it silently);
- so does a value the template would print as a Python repr, silently ignore or fail on: content that is
  not a string, a list or ``None``; a non-string ``text`` part, ``reasoning_content``, ``reasoning``,
  ``current_date`` or ``current_location``; a missing or empty tool name; non-string argument names and
  values ``json.dumps`` cannot write; a mapping as tool-result content.

Same as the template, with our own message: a ``tool`` message when the last assistant message before it has
no tool calls (or there is none) raises :class:`TemplateError`.

Opt-in, off by default so the output stays byte-exact: ``guard=True`` passes untrusted text (user content,
tool results, the tools block, tool-call argument values) through :func:`guard_text`, which neutralises the
role markers and tool-call tags inside it, reversibly (:func:`unguard_text`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from minimax_sdk._prompt_guard import guard_text, unguard_text
from minimax_sdk._safe_json import UnreadableJSON
from minimax_sdk._safe_json import loads as safe_loads
from minimax_sdk._tool_spec import ToolLike, function_definitions
from minimax_sdk.errors import MiniMaxError
from minimax_sdk.messages import AssistantMessage, Message, SystemMessage, ToolMessage, UserMessage

__all__ = [
    "TemplateError",
    "guard_text",
    "render_assistant_turn",
    "render_conversation",
    "render_tool_call",
    "unguard_text",
]

_Protect = Callable[[str], str]
"""What untrusted text goes through before it is written: :func:`guard_text`, or nothing."""

_BEGIN = "]~!b["
_END = "[e~[\n"
_THINK_OPEN = "<think>"
_THINK_CLOSE = "</think>"
_CALLS_OPEN = "<minimax:tool_call>"
_CALLS_CLOSE = "</minimax:tool_call>"
_GENERATION_PROMPT = "]~b]ai\n<think>\n"
_DEFAULT_IDENTITY = "You are a helpful assistant."
_TOOLS_INTRO = (
    "\n\n# Tools\nYou may call one or more tools to assist with the user query.\n"
    "Here are the tools available in JSONSchema format:\n\n<tools>\n"
)
_TOOLS_OUTRO = (
    "</tools>\n\nWhen making tool calls, use XML format to invoke tools and pass parameters:\n\n"
    f"{_CALLS_OPEN}\n"
    '<invoke name="tool-name-1">\n'
    '<parameter name="param-key-1">param-value-1</parameter>\n'
    '<parameter name="param-key-2">param-value-2</parameter>\n'
    "...\n</invoke>\n"
    f"{_CALLS_CLOSE}"
)
_NO_TOOL_CALL = (
    "a tool result must follow an assistant message with tool calls, and the last assistant message before "
    "it has none or there is none (the template raises 'Message has tool role, but there was no previous "
    "assistant message with a tool call!')"
)
_ROLES = ("system", "user", "assistant", "tool")


class TemplateError(MiniMaxError, ValueError):
    """A message or tool the MiniMax-M2 chat format cannot express; the text names where and what."""


def _as_is(text: str) -> str:
    return text


def _protector(guard: bool) -> _Protect:
    return guard_text if guard else _as_is


def render_conversation(
    messages: Sequence[Mapping[str, Any] | Message],
    tools: Sequence[ToolLike] | None = None,
    *,
    add_generation_prompt: bool = True,
    model_identity: str = _DEFAULT_IDENTITY,
    guard: bool = False,
) -> str:
    """The prompt the MiniMax-M2 template renders for ``messages`` and ``tools``.

    ``messages`` are OpenAI-style mappings (``role``, ``content``, assistant ``reasoning_content`` /
    ``reasoning`` and ``tool_calls``) or the SDK's message types. ``model_identity`` is the system text used
    when there is no system message or its content is empty. With ``add_generation_prompt`` the prompt ends
    ``]~b]ai\\n<think>\\n``, so the model's output starts inside its reasoning. With ``guard`` the role
    markers and tool-call tags inside user content, tool results, the tools block and tool-call argument
    values are neutralised (:func:`guard_text`); the default writes them verbatim, as the template does.
    Raises :class:`TemplateError`.
    """
    protect = _protector(guard)
    checked = _checked_messages(messages)
    offset = 1 if checked and checked[0].get("role") == "system" else 0
    system = checked[0] if offset else None
    conversation = checked[offset:]
    last_user = max((i for i, m in enumerate(conversation) if m.get("role") == "user"), default=-1)
    parts = [
        _BEGIN,
        "]~b]system\n",
        _system_text(system, model_identity),
        _tools_block(tools, protect),
        _END,
        *_conversation_parts(conversation, last_user, offset, protect),
    ]
    if add_generation_prompt:
        parts.append(_GENERATION_PROMPT)
    return "".join(parts)


def render_assistant_turn(message: Mapping[str, Any], *, keep_reasoning: bool = True, guard: bool = False) -> str:
    """The body of one assistant turn: what the template writes between ``]~b]ai\\n`` and ``[e~[\\n``.

    That is ``<think>\\n{reasoning}\\n</think>\\n\\n`` (if ``keep_reasoning`` and there is reasoning), the
    content, then ``\\n<minimax:tool_call>\\n{invokes}</minimax:tool_call>`` if the message has tool calls.
    The template keeps reasoning only for turns after the last user message; :func:`render_conversation`
    decides that, this function leaves it to the caller. ``guard`` neutralises markers in argument values.
    """
    if not isinstance(message, Mapping):
        raise TemplateError(f"message: must be a mapping, got {type(message).__name__}")
    role = message.get("role", "assistant")
    if role != "assistant":
        raise TemplateError(f"message: render_assistant_turn needs an assistant message, got role {role!r}")
    return _assistant_body(message, keep_reasoning, "message", _protector(guard))


def render_tool_call(name: str, arguments: Mapping[str, Any], *, guard: bool = False) -> str:
    """One ``<invoke>`` element: ``<invoke name="NAME">\\n``, one line per argument, ``</invoke>\\n``.

    Each argument is ``<parameter name="K">V</parameter>\\n`` with ``V`` the raw text of a string and
    ``json.dumps(v, ensure_ascii=False)`` of anything else, in the mapping's order. Nothing is escaped, unless
    ``guard``: then each value goes through :func:`guard_text`, so that no value can close its parameter.
    """
    return _invoke(name, arguments, f"tool call {name!r}", _protector(guard))


# --- messages -----------------------------------------------------------------------------------------


def template_dict(message: Message) -> dict[str, Any]:
    """An SDK message as the template reads it: an assistant's reasoning in ``reasoning_content`` and its
    calls (arguments as objects) in ``tool_calls``; other messages as their ``to_dict()``."""
    if not isinstance(message, AssistantMessage):
        return message.to_dict()
    calls = [{"id": c.id, "function": {"name": c.name, "arguments": c.arguments}} for c in message.tool_calls]
    return {
        "role": "assistant",
        "content": message.content,
        "reasoning_content": message.reasoning,
        "tool_calls": calls,
    }


def _checked_messages(messages: Sequence[Mapping[str, Any] | Message]) -> list[Mapping[str, Any]]:
    if isinstance(messages, (str, bytes, Mapping)) or not isinstance(messages, Sequence):
        raise TemplateError(f"messages: must be a sequence of mappings, got {type(messages).__name__}")
    dicts: list[Any] = [
        template_dict(m) if isinstance(m, SystemMessage | UserMessage | AssistantMessage | ToolMessage) else m
        for m in messages
    ]
    for index, message in enumerate(dicts):
        if not isinstance(message, Mapping):
            raise TemplateError(f"messages[{index}]: must be a mapping, got {type(message).__name__}")
        role = message.get("role")
        if role not in _ROLES:
            raise TemplateError(
                f"messages[{index}]: unknown role {role!r}; the template renders only "
                "'system' (first message), 'user', 'assistant' and 'tool' and would drop it silently"
            )
    return dicts


def _conversation_parts(
    conversation: list[Mapping[str, Any]], last_user: int, offset: int, protect: _Protect
) -> list[str]:
    """Everything after the system turn. ``offset`` turns conversation indexes into ``messages`` indexes."""
    parts: list[str] = []
    after_tool_call = False  # the template's ``last_tool_call.name is not none``
    for i, message in enumerate(conversation):
        role = message["role"]
        where = f"messages[{i + offset}] ({role})"
        if role == "assistant":
            parts += ["]~b]ai\n", _assistant_body(message, i > last_user, where, protect), _END]
            after_tool_call = bool(message.get("tool_calls"))
        elif role == "user":
            parts += ["]~b]user\n", protect(_visible_text(message.get("content"), where)), _END]
        elif role == "tool":
            if not after_tool_call:
                raise TemplateError(f"{where}: {_NO_TOOL_CALL}")
            if i == 0 or conversation[i - 1]["role"] != "tool":
                parts.append("]~b]tool")
            parts.append(_tool_responses(message.get("content"), where, protect))
            if i == len(conversation) - 1 or conversation[i + 1]["role"] != "tool":
                parts.append(_END)
        # A "system" message after the first is dropped, as the template does.
    return parts


def _visible_text(content: Any, where: str) -> str:
    """The template's ``visible_text``: a string as is, a list's text parts joined; ``None`` is ``""``."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, (bytes, Mapping)) or not isinstance(content, Sequence):
        raise TemplateError(f"{where}: content must be a string, a list of parts or None, got {type(content).__name__}")
    pieces: list[str] = []
    for j, part in enumerate(content):
        if isinstance(part, str):
            pieces.append(part)
        elif isinstance(part, Mapping) and part.get("type") == "text":
            text = part.get("text")
            if text is None:
                continue
            if not isinstance(text, str):
                raise TemplateError(f"{where}: content[{j}]: 'text' must be a string, got {type(text).__name__}")
            pieces.append(text)
    return "".join(pieces)


# --- system turn and tools ----------------------------------------------------------------------------


def _system_text(system: Mapping[str, Any] | None, model_identity: str) -> str:
    where = "messages[0] (system)"
    content = system.get("content") if system is not None else None
    text = _visible_text(content, where) if content else model_identity
    for key, label in (("current_date", "Current date"), ("current_location", "Current location")):
        value = system.get(key) if system is not None else None
        if not value:
            continue
        if not isinstance(value, str):
            raise TemplateError(f"{where}: {key!r} must be a string, got {type(value).__name__}")
        text += f"\n{label}: {value}"
    return text


def _tools_block(tools: Sequence[ToolLike] | None, protect: _Protect) -> str:
    if not tools:
        return ""
    if isinstance(tools, (str, bytes, Mapping)):
        raise TemplateError(f"tools: must be a sequence of tools, got {type(tools).__name__}")
    try:
        functions = function_definitions(tools)
    except (TypeError, ValueError) as exc:
        raise TemplateError(f"tools: {exc}") from exc
    lines = "".join(
        f"<tool>{protect(_tool_json(function, index))}</tool>\n" for index, function in enumerate(functions)
    )
    return _TOOLS_INTRO + lines + _TOOLS_OUTRO


def _tool_json(function: Mapping[str, Any], index: int) -> str:
    try:
        return json.dumps(function, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise TemplateError(f"tools[{index}]: the definition is not JSON-serialisable: {exc}") from exc


# --- assistant turns ----------------------------------------------------------------------------------


def _assistant_body(message: Mapping[str, Any], keep_reasoning: bool, where: str, protect: _Protect) -> str:
    reasoning, content = _reasoning_and_content(message, where)
    parts: list[str] = []
    if reasoning and keep_reasoning:
        parts.append(f"{_THINK_OPEN}\n{reasoning}\n{_THINK_CLOSE}\n\n")
    parts.append(content)
    calls = message.get("tool_calls")
    if calls:
        if isinstance(calls, (str, bytes, Mapping)) or not isinstance(calls, Sequence):
            raise TemplateError(f"{where}: 'tool_calls' must be a list, got {type(calls).__name__}")
        parts.append(f"\n{_CALLS_OPEN}\n")
        parts.extend(_tool_call(call, f"{where}: tool_calls[{j}]", protect) for j, call in enumerate(calls))
        parts.append(_CALLS_CLOSE)
    return "".join(parts)


def _reasoning_and_content(message: Mapping[str, Any], where: str) -> tuple[str, str]:
    """The template's reasoning source: the reasoning field, else reasoning written inside the content."""
    content = _visible_text(message.get("content"), where)
    for key in ("reasoning_content", "reasoning"):
        value = message.get(key)
        if isinstance(value, str):
            return value, content
        if value is not None:
            raise TemplateError(f"{where}: {key!r} must be a string, got {type(value).__name__}")
    if _THINK_CLOSE not in content:
        return "", content
    pieces = content.split(_THINK_CLOSE)
    reasoning = pieces[0].strip("\n").split(_THINK_OPEN)[-1].strip("\n")
    return reasoning, pieces[-1].strip("\n")


def _tool_call(call: Any, where: str, protect: _Protect) -> str:
    """One entry of ``tool_calls``: OpenAI's ``{"function": {"name", "arguments"}}`` or a flat one."""
    if not isinstance(call, Mapping):
        raise TemplateError(f"{where}: must be a mapping, got {type(call).__name__}")
    function = call.get("function")
    if function:
        if not isinstance(function, Mapping):
            raise TemplateError(f"{where}: 'function' must be a mapping, got {type(function).__name__}")
        call = function
    return _invoke(call.get("name"), _arguments(call.get("arguments"), where), where, protect)


def _arguments(arguments: Any, where: str) -> Mapping[str, Any]:
    if isinstance(arguments, Mapping):
        return arguments
    if arguments is None or (isinstance(arguments, str) and not arguments.strip()):
        return {}
    if not isinstance(arguments, str):
        raise TemplateError(
            f"{where}: 'arguments' must be a mapping or a JSON object string, got {type(arguments).__name__}"
        )
    try:
        decoded = safe_loads(arguments)
    except UnreadableJSON as exc:
        raise TemplateError(f"{where}: 'arguments' is not valid JSON ({exc.reason}): {arguments[:80]!r}") from None
    if not isinstance(decoded, dict):
        raise TemplateError(
            f"{where}: 'arguments' must be a JSON object, not a {type(decoded).__name__}: {arguments[:60]!r}"
        )
    return decoded


def _invoke(name: Any, arguments: Mapping[str, Any], where: str, protect: _Protect) -> str:
    if not isinstance(name, str) or not name:
        raise TemplateError(f"{where}: the tool name must be a non-empty string, got {name!r}")
    if not isinstance(arguments, Mapping):
        raise TemplateError(f"{where}: arguments must be a mapping, got {type(arguments).__name__}")
    parts = [f'<invoke name="{name}">\n']
    for key, value in arguments.items():
        if not isinstance(key, str):
            raise TemplateError(f"{where}: argument names must be strings, got {key!r}")
        parts.append(f'<parameter name="{key}">{protect(_parameter_value(value, key, where))}</parameter>\n')
    parts.append("</invoke>\n")
    return "".join(parts)


def _parameter_value(value: Any, key: str, where: str) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise TemplateError(f"{where}: argument {key!r} is not JSON-serialisable: {exc}") from exc


# --- tool results -------------------------------------------------------------------------------------


def _tool_responses(content: Any, where: str, protect: _Protect) -> str:
    """A tool message: ``\\n<response>TEXT</response>``, or ``\\n<response>ITEM\\n</response>`` per item."""
    if content is None:
        content = ""
    if isinstance(content, str):
        return f"\n<response>{protect(content)}</response>"
    if isinstance(content, (bytes, Mapping)) or not isinstance(content, Sequence):
        raise TemplateError(f"{where}: content must be a string, a list or None, got {type(content).__name__}")
    return "".join(f"\n<response>{protect(_tool_item_text(item))}\n</response>" for item in content)


def _tool_item_text(item: Any) -> str:
    """The template's ``tr.output if tr.output is defined else (tr.text if tr.type == 'text' and tr.text is
    defined else tr)``, printed with ``str()`` as Jinja prints it."""
    if isinstance(item, Mapping):
        if "output" in item:
            return str(item["output"])
        if item.get("type") == "text" and "text" in item:
            return str(item["text"])
    return str(item)


# --- the length of a rendered conversation, kept up to date as messages are appended ---------------------


class RenderedLength:
    """``len(render_conversation(messages, add_generation_prompt=True))`` without the tools block, extended one
    message at a time: each message is rendered once, when it is added (what token budgeting needs on every
    turn of an agent run, whose transcript only grows).

    :meth:`add` checks and renders the message as :func:`render_conversation` would at that position and
    raises the same :class:`TemplateError` for a message it cannot render; the state is then unchanged.
    """

    def __init__(self) -> None:
        self.count = 0  # messages added
        self._fixed = len(_BEGIN) + len("]~b]system\n") + len(_DEFAULT_IDENTITY) + len(_END) + len(_GENERATION_PROMPT)
        self._body = 0  # every written part except reasoning and the end of a trailing run of tool results
        self._reasoning = 0  # the reasoning of assistant turns after the last user message
        self._after_tool_call = False
        self._previous_role: str | None = None

    @property
    def total(self) -> int:
        """The length of the prompt for the messages added so far (no tools block)."""
        pending_end = len(_END) if self._previous_role == "tool" else 0
        return self._fixed + self._body + self._reasoning + pending_end

    def add(self, message: Mapping[str, Any] | Message) -> None:
        """Account for the next message (``messages[self.count]``)."""
        index = self.count
        (checked,) = _checked_at(message, index)
        role = checked["role"]
        if index == 0 and role == "system":
            identity = len(_DEFAULT_IDENTITY)
            self._fixed += len(_system_text(checked, _DEFAULT_IDENTITY)) - identity
            self.count = 1
            return
        where = f"messages[{index}] ({role})"
        body = len(_END) if self._previous_role == "tool" and role != "tool" else 0
        reasoning = self._reasoning
        after_tool_call = self._after_tool_call
        if role == "assistant":
            body += len("]~b]ai\n") + len(_assistant_body(checked, False, where, _as_is)) + len(_END)
            thought, _ = _reasoning_and_content(checked, where)
            if thought:
                reasoning += len(f"{_THINK_OPEN}\n{thought}\n{_THINK_CLOSE}\n\n")
            after_tool_call = bool(checked.get("tool_calls"))
        elif role == "user":
            body += len("]~b]user\n") + len(_visible_text(checked.get("content"), where)) + len(_END)
            reasoning = 0  # earlier assistant turns now come before the last user message
        elif role == "tool":
            if not after_tool_call:
                raise TemplateError(f"{where}: {_NO_TOOL_CALL}")
            if self._previous_role != "tool":
                body += len("]~b]tool")
            body += len(_tool_responses(checked.get("content"), where, _as_is))
        self._body += body
        self._reasoning = reasoning
        self._after_tool_call = after_tool_call
        self._previous_role = role
        self.count = index + 1


def _checked_at(message: Mapping[str, Any] | Message, index: int) -> list[Mapping[str, Any]]:
    """:func:`_checked_messages` for one message at ``messages[index]`` (its errors name that index)."""
    try:
        return _checked_messages([message])
    except TemplateError as exc:
        if index == 0:
            raise
        raise TemplateError(str(exc).replace("messages[0]", f"messages[{index}]", 1)) from None


def tools_block_length(tools: Sequence[ToolLike] | None) -> int:
    """The length of the tools block :func:`render_conversation` writes for ``tools`` (0 without tools)."""
    return len(_tools_block(tools, _as_is))
