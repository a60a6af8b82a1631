"""The process side of the embedded SGLang backend: launch settings, the command line, and a supervisor.

```python
from minimax_sdk.backends.sglang import SGLangLaunch, Supervisor

launch = SGLangLaunch("/models/MiniMax-M2.1", tp=4, mem_fraction=0.85)
with Supervisor(launch, on_progress=lambda p: print(p.message)) as server:
    ...  # point an OpenAI-compatible client at server.base_url
```

Nothing here imports sglang: the server runs in its own process, started from ``python``/``command``.
Guide: ``docs/sglang.md``.
"""

from ._argv import child_env, find_sglang_command, format_command, launch_argv, launcher_prefix, server_args
from ._backend import SGLangBackend, launch_from_settings, require_sglang
from ._engine import EngineBackend
from ._launch import DEFAULT_REASONING_PARSER, DEFAULT_TOOL_CALL_PARSER, SGLangLaunch
from ._progress import READY_LINE, Progress, Stage, describe_elapsed
from ._supervisor import ProgressCallback, Supervisor, stop_ranks

__all__ = [
    "DEFAULT_REASONING_PARSER",
    "DEFAULT_TOOL_CALL_PARSER",
    "READY_LINE",
    "EngineBackend",
    "Progress",
    "ProgressCallback",
    "SGLangBackend",
    "SGLangLaunch",
    "Stage",
    "Supervisor",
    "child_env",
    "describe_elapsed",
    "find_sglang_command",
    "format_command",
    "launch_argv",
    "launch_from_settings",
    "launcher_prefix",
    "require_sglang",
    "server_args",
    "stop_ranks",
]
