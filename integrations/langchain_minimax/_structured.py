"""``with_structured_output``: ``function_calling``, ``json_mode`` and ``json_schema``, parsed from text only.

Reasoning never reaches the JSON parser: replies are split into reasoning and text blocks before parsing, and
only text blocks (and tool-call arguments) are read. The MiniMax platform does not enforce ``json_schema``
(JSON mode at most), so ``json_schema`` output is validated on the client against the schema (pydantic for
pydantic classes, JSON Schema otherwise) and a mismatch raises ``OutputParserException``. ``function_calling``
forces the schema's tool; where a server ignores forced tool choice and answers in text, the JSON in the text
is used instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any, Literal, TypeAlias

import jsonschema
from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable, RunnableLambda, RunnableMap, RunnablePassthrough
from langchain_core.utils.function_calling import convert_to_json_schema

from minimax_sdk.parsing import parse_output

from ._tools import as_sdk_tool, is_pydantic_class

__all__ = ["StructuredMethod", "extract_json", "response_format_for", "structured_output"]

StructuredMethod: TypeAlias = Literal["function_calling", "json_mode", "json_schema"]
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)
_NAME = re.compile(r"[^A-Za-z0-9_-]")


def structured_output(
    model: BaseChatModel,
    schema: Mapping[str, Any] | type | None,
    *,
    method: StructuredMethod,
    include_raw: bool,
    strict: bool | None,
) -> Runnable[LanguageModelInput, Any]:
    """The runnable behind ``ChatMiniMax.with_structured_output``."""
    trace = {"kwargs": {"method": method, "strict": strict}, "schema": schema}
    if method == "function_calling":
        if schema is None:
            raise ValueError("method='function_calling' needs a schema")
        name = as_sdk_tool(schema).name
        tool = dict(schema) if isinstance(schema, Mapping) else schema
        llm = model.bind_tools([tool], tool_choice=name, ls_structured_output_format=trace)
        parse = _parser(schema, tool_name=name, validate_json=False)
    elif method == "json_mode":
        llm = model.bind(response_format={"type": "json_object"}, ls_structured_output_format=trace)
        parse = _parser(schema, tool_name=None, validate_json=False)
    elif method == "json_schema":
        if schema is None:
            raise ValueError("method='json_schema' needs a schema")
        llm = model.bind(response_format=response_format_for(schema, strict), ls_structured_output_format=trace)
        parse = _parser(schema, tool_name=None, validate_json=True)
    else:
        raise ValueError(f"unknown method {method!r}: use 'function_calling', 'json_mode' or 'json_schema'")
    parser = RunnableLambda(parse, name="MiniMaxStructuredOutputParser")
    if not include_raw:
        return llm | parser
    parsed = RunnablePassthrough.assign(parsed=itemgetter("raw") | parser, parsing_error=lambda _: None)
    unparsed = RunnablePassthrough.assign(parsed=lambda _: None)
    return RunnableMap(raw=llm) | parsed.with_fallbacks([unparsed], exception_key="parsing_error")


def json_schema_of(schema: Mapping[str, Any] | type) -> dict[str, Any]:
    """The JSON Schema of a pydantic class, a TypedDict or a schema dict (OpenAI tool dicts unwrapped)."""
    if isinstance(schema, Mapping):
        function = schema.get("function")
        if isinstance(function, Mapping) and "parameters" in function:
            return dict(function["parameters"])
        if "parameters" in schema and "name" in schema:
            return dict(schema["parameters"])
    return convert_to_json_schema(dict(schema) if isinstance(schema, Mapping) else schema)


def response_format_for(schema: Mapping[str, Any] | type, strict: bool | None) -> dict[str, Any]:
    json_schema = json_schema_of(schema)
    title = getattr(schema, "__name__", None) or json_schema.get("title") or "output"
    spec: dict[str, Any] = {"name": _NAME.sub("_", str(title))[:64], "schema": json_schema}
    if json_schema.get("description"):
        spec["description"] = json_schema["description"]
    if strict is not None:
        spec["strict"] = strict
    return {"type": "json_schema", "json_schema": spec}


def _parser(
    schema: Mapping[str, Any] | type | None, *, tool_name: str | None, validate_json: bool
) -> Callable[[BaseMessage], Any]:
    checker = None
    if validate_json and schema is not None and not is_pydantic_class(schema):
        checker = jsonschema.Draft202012Validator(json_schema_of(schema))

    def parse(message: BaseMessage) -> Any:
        text = reply_text(message)
        data: Any = None
        calls = [c for c in getattr(message, "tool_calls", []) if c["name"] == tool_name] if tool_name else []
        data = calls[0]["args"] if calls else extract_json(text)
        if is_pydantic_class(schema):
            return _validated_model(schema, data, text)  # type: ignore[arg-type]
        if checker is not None:
            problems = [
                f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in checker.iter_errors(data)
            ]
            if problems:
                raise OutputParserException(
                    "the model's JSON does not match the schema: " + "; ".join(problems), llm_output=text
                )
        return data

    return parse


def _validated_model(schema: type, data: Any, text: str) -> Any:
    try:
        if hasattr(schema, "model_validate"):
            return schema.model_validate(data)
        return schema.parse_obj(data)  # type: ignore[attr-defined]  # pydantic v1
    except Exception as exc:  # pydantic v1 and v2 raise different classes
        raise OutputParserException(f"the model's JSON does not fit {schema.__name__}: {exc}", llm_output=text) from exc


def reply_text(message: BaseMessage) -> str:
    """The text blocks of a reply; reasoning left inline by a foreign message is split off first."""
    text = str(message.text)
    if "</think>" in text:
        text = parse_output(text, in_reasoning=None).content
    return text


def extract_json(text: str) -> Any:
    """The JSON value of a reply: the whole text, else a fenced block, else the last complete JSON object.

    The last object, not the first: an earlier one may be quoted input the model was discussing.
    """
    candidates = [text.strip(), *(m.group(1).strip() for m in reversed(list(_FENCE.finditer(text))))]
    decoded = [value for value in map(_loads, candidates) if value is not _NOT_JSON]
    if decoded:
        return decoded[0]
    found = _last_object(text)
    if found is None:
        raise OutputParserException(f"no JSON object in the model's reply: {text[:200]!r}", llm_output=text)
    return found


_NOT_JSON = object()


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return _NOT_JSON


def _last_object(text: str) -> Any:
    decoder = json.JSONDecoder()
    found: Any = None
    position = text.find("{")
    while position >= 0:
        try:
            value, end = decoder.raw_decode(text, position)
        except ValueError:
            position = text.find("{", position + 1)
            continue
        if isinstance(value, dict):
            found = value
        position = text.find("{", end)
    return found
