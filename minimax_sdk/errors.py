"""The SDK's exceptions: one tree, rooted at :class:`MiniMaxError`.

```
Exception
└── MiniMaxError                     anything the SDK raises on purpose
    ├── ToolArgumentsError           (also a ValueError) a tool call's arguments do not fit the tool's schema
    └── TemplateError                (also a ValueError) a conversation the M2 chat format cannot express
```

Catch :class:`MiniMaxError` to handle every SDK failure in one place. Each subclass adds the attributes a
caller needs to react without parsing message text (``ToolArgumentsError.problems``, for instance).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["ArgumentProblem", "MiniMaxError", "ToolArgumentsError"]

_MAX_LISTED_PROBLEMS = 20


class MiniMaxError(Exception):
    """Base class of every exception the SDK raises on purpose."""


@dataclass(frozen=True)
class ArgumentProblem:
    """One thing wrong with a tool call's arguments.

    ``path`` is a JSON path into the arguments object (``$`` is the object itself, ``$.items[2].qty`` a
    nested value, ``$["odd key"]`` a key that is not an identifier). ``expected`` says what the schema
    wants (``"integer"``, ``"one of \\"C\\", \\"F\\""``), ``got`` names the JSON type that was given
    (``"string"``, ``"nothing"`` for a missing key) and never carries the value itself. ``message`` is the
    whole sentence, which may quote the given value when it is short (40 characters at most).
    """

    path: str
    expected: str
    got: str
    message: str

    def __str__(self) -> str:
        return f"`{self.path}`: {self.message}"


class ToolArgumentsError(MiniMaxError, ValueError):
    """A tool was called with arguments that do not fit its schema (or could not be converted).

    ``problems`` lists every problem found, most relevant first; :meth:`to_model_message` renders them as
    text a model can fix its call from.
    """

    def __init__(self, tool_name: str, problems: Iterable[ArgumentProblem]) -> None:
        self.tool_name = tool_name
        self.problems: list[ArgumentProblem] = list(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        return f"Invalid arguments for tool `{self.tool_name}`: " + "; ".join(str(p) for p in self.problems)

    def __reduce__(self) -> tuple[type[ToolArgumentsError], tuple[str, list[ArgumentProblem]]]:
        return (type(self), (self.tool_name, self.problems))

    def to_model_message(self) -> str:
        """The problems as text for the model: one line each, then what to do.

        >>> err = ToolArgumentsError("get_weather", [ArgumentProblem("$.days", "integer", "string",
        ...     "expected integer, got string")])
        >>> print(err.to_model_message())
        Invalid arguments for tool `get_weather`:
        - `$.days`: expected integer, got string
        Fix the arguments and call the tool again.
        """
        lines = [f"Invalid arguments for tool `{self.tool_name}`:"]
        lines.extend(f"- {p}" for p in self.problems[:_MAX_LISTED_PROBLEMS])
        hidden = len(self.problems) - _MAX_LISTED_PROBLEMS
        if hidden > 0:
            lines.append(f"- … and {hidden} more problem{'s' if hidden > 1 else ''}")
        lines.append("Fix the arguments and call the tool again.")
        return "\n".join(lines)
