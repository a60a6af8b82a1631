"""From an MCP ``CallToolResult`` (as its JSON wire form) to the text the model reads.

Each content block gives one piece, joined with newlines: a text block its text; an embedded text resource
``[resource <uri>]`` and its text; an image, audio or binary resource a bracketed note of its kind, MIME type and
size (MiniMax-M2.1 reads text only); a resource link ``[resource link <name>: <uri>]``; any other block its
JSON. A result without content blocks gives its ``structuredContent`` as compact JSON. ``isError`` makes an
error result whose text starts with ``Error: `` followed by the server's own words.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from minimax_sdk.mcp._errors import MCPToolError
from minimax_sdk.tools import ToolResult

__all__ = ["call_result", "content_text"]


def _size(data: Any) -> str:
    if not isinstance(data, str):
        return "no data"
    try:
        return f"{len(base64.b64decode(data, validate=False))} bytes"
    except (binascii.Error, ValueError):
        return f"{len(data)} base64 characters"


def _block_text(block: Mapping[str, Any]) -> str:
    kind = block.get("type")
    if kind == "text":
        return str(block.get("text", ""))
    if kind in ("image", "audio"):
        return f"[{kind} {block.get('mimeType', 'unknown type')}, {_size(block.get('data'))}]"
    if kind == "resource" and isinstance(block.get("resource"), Mapping):
        resource = block["resource"]
        uri = resource.get("uri", "")
        if "text" in resource:
            return f"[resource {uri}]\n{resource['text']}"
        return f"[resource {uri}, {resource.get('mimeType', 'unknown type')}, {_size(resource.get('blob'))}]"
    if kind == "resource_link":
        return f"[resource link {block.get('name', '')}: {block.get('uri', '')}]"
    return json.dumps(block, ensure_ascii=False, separators=(",", ":"))


def content_text(result: Mapping[str, Any]) -> str:
    """The model's text for a ``CallToolResult`` in wire form (see the module docstring)."""
    blocks = result.get("content") or []
    if blocks:
        return "\n".join(_block_text(b) if isinstance(b, Mapping) else str(b) for b in blocks)
    structured = result.get("structuredContent")
    if structured is not None:
        return json.dumps(structured, ensure_ascii=False, separators=(",", ":"))
    return ""


def call_result(server: str, tool: str, result: Mapping[str, Any]) -> ToolResult:
    """The :class:`ToolResult` of a finished call; ``value`` is the structured content when the server gave
    one, else the text."""
    text = content_text(result)
    if result.get("isError"):
        message = text or f"the MCP tool `{tool}` failed without saying why"
        return ToolResult(f"Error: {message}", is_error=True, error=MCPToolError(message, server=server))
    structured = result.get("structuredContent")
    return ToolResult(text, value=text if structured is None else structured)
