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
from ._launch import DEFAULT_REASONING_PARSER, DEFAULT_TOOL_CALL_PARSER, SGLangLaunch
from ._progress import READY_LINE, Progress, Stage
from ._supervisor import ProgressCallback, Supervisor, stop_ranks

__all__ = [
    "DEFAULT_REASONING_PARSER",
    "DEFAULT_TOOL_CALL_PARSER",
    "READY_LINE",
    "Progress",
    "ProgressCallback",
    "SGLangLaunch",
    "Stage",
    "Supervisor",
    "child_env",
    "find_sglang_command",
    "format_command",
    "launch_argv",
    "launcher_prefix",
    "server_args",
    "stop_ranks",
]
