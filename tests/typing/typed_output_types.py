"""Checked by mypy (``tests/test_typed_output.py::test_output_is_typed_as_the_output_type``), never run: the
type of ``run(..., output_type=X).output`` is ``X | None`` for every kind of output type."""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel
from typing_extensions import TypedDict, assert_type

from minimax_sdk import AsyncMiniMax, MiniMax
from minimax_sdk.agent import RunResult


class Model(BaseModel):
    x: int


@dataclasses.dataclass
class Data:
    x: int


class Typed(TypedDict):
    x: int


def blocking(client: MiniMax) -> None:
    assert_type(client.run([], output_type=Model), RunResult[Model])
    assert_type(client.run([], output_type=Model).output, Model | None)
    assert_type(client.run([], output_type=Data).output, Data | None)
    assert_type(client.run([], output_type=Typed).output, Typed | None)
    assert_type(client.run([], output_type={"type": "object"}).output, dict[str, Any] | None)
    assert_type(client.run([], tools=[]).output, None)
    untyped: RunResult = client.run([], tools=[])  # a bare RunResult still works (RunResult[Any])
    assert_type(untyped.output, Any | None)


async def asynchronous(client: AsyncMiniMax) -> None:
    assert_type(await client.run([], output_type=Model), RunResult[Model])
    assert_type((await client.run([], output_type=Typed)).output, Typed | None)
    assert_type((await client.run([], tools=[])).output, None)
