"""Model profiles for the MiniMax-M2 family, as LangChain's ``ModelProfile`` (a beta feature of langchain-core).

Hand-written, not generated: models.dev lists M2.1 only behind OpenRouter. The values state what the server
really does, per backend:

- ``structured_output`` is False everywhere: the MiniMax platform does not enforce ``json_schema`` (JSON mode
  at most), so ``create_agent`` picks its tool strategy; ``with_structured_output`` validates on the client.
- ``tool_choice`` (forcing a call) is True for self-hosted servers (vLLM / SGLang honour ``required`` and a
  named function: the ``openai`` backend, and the embedded SGLang one) and False for the MiniMax platform and
  NVIDIA, whose M2.x docs list only ``none`` / ``auto`` (third-party reports).
- ``mid_conversation_system_messages`` is False: ChatMiniMax folds every system message into one leading
  system message (the platform rejects a second or non-leading one).
"""

from __future__ import annotations

from langchain_core.language_models import ModelProfile

__all__ = ["model_profile"]

_FAMILY: ModelProfile = {
    "open_weights": True,
    "max_input_tokens": 204_800,
    "max_output_tokens": 131_072,
    "text_inputs": True,
    "image_inputs": False,
    "image_url_inputs": False,
    "pdf_inputs": False,
    "audio_inputs": False,
    "video_inputs": False,
    "image_tool_message": False,
    "pdf_tool_message": False,
    "reasoning_output": True,
    "text_outputs": True,
    "image_outputs": False,
    "audio_outputs": False,
    "video_outputs": False,
    "tool_calling": True,
    "tool_call_streaming": True,
    "mid_conversation_system_messages": False,
    "structured_output": False,
    "temperature": True,
}

_MODELS: dict[str, ModelProfile] = {
    "minimax-m2": {"name": "MiniMax-M2"},
    "minimax-m2.1": {"name": "MiniMax-M2.1"},
    "minimax-m2.5": {"name": "MiniMax-M2.5"},
}

_HOSTED = frozenset({"minimax", "minimax-inline", "nvidia"})
"""Hosted backends, whose M2.x docs list tool_choice none / auto only; every other backend is self-hosted."""


def _key(model: str) -> str:
    """``MiniMaxAI/MiniMax-M2.1``, ``minimaxai/minimax-m2.1`` and ``MiniMax-M2.1`` all name one model."""
    name = model.rsplit("/", 1)[-1].lower()
    for suffix in ("-highspeed", "-lightning", "-stable"):
        name = name.removesuffix(suffix)
    return name


def model_profile(model: str, backend: str) -> ModelProfile | None:
    """The profile of ``model`` served by ``backend`` (an SDK backend name), or None for an unknown model."""
    specific = _MODELS.get(_key(model))
    if specific is None:
        return None
    profile: ModelProfile = {**_FAMILY, **specific}
    profile["tool_choice"] = backend not in _HOSTED
    return profile
