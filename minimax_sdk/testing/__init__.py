"""A reference server for testing code that talks to MiniMax-M2.1, without keys, network or GPUs.

```python
from minimax_sdk.testing import Fault, ReferenceServer, Turn

with ReferenceServer(dialect="minimax") as server:
    server.script(Turn(reasoning="Greet back.", content="Hello!"))
    server.fault(Fault.status(429, retry_after="1"))
    ...  # point the client under test at server.base_url
```

It speaks the OpenAI-compatible ``POST /v1/chat/completions`` (JSON and SSE) in the wire shape of each
backend the SDK supports (:data:`DIALECTS`), serves scripted turns, injects faults, records requests, and
answers SGLang's ``/health``, ``/model_info``, ``/v1/models`` and ``/generate``. Standard library only.
Guide: ``docs/reference_server.md``.
"""

from ._dialects import DIALECTS, Dialect, InlineThink, ReasoningDetails, ReasoningField
from ._faults import Fault
from ._server import RecordedRequest, ReferenceServer
from ._turns import ToolCall, Turn

__all__ = [
    "DIALECTS",
    "Dialect",
    "Fault",
    "InlineThink",
    "ReasoningDetails",
    "ReasoningField",
    "RecordedRequest",
    "ReferenceServer",
    "ToolCall",
    "Turn",
]
