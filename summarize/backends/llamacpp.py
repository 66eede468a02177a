"""A local GGUF model run by llama.cpp (llama-cpp-python, the ``llm`` extra).

The ``llamacpp`` engines are the chat engines of :mod:`.chat` over :class:`LlamaCppChat`: the
model file is loaded once per process (directions naming the same file share it), replies are
greedy, and the model's own chat template (stored in the GGUF file) renders the prompts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EngineUnavailableError, ModelLoadError, ModelNotAvailableError
from .chat import ChatModel, ChatSummarizer, ChatTranslator, Messages
from .hf import physical_cores

if TYPE_CHECKING:
    from ..config import RuntimeConfig, SummarizeConfig, TranslateConfig
    from ..text.langid import LanguageIdentifier

__all__ = ["LlamaCppChat", "LlamaCppOptions", "LlamaCppSummarizer", "LlamaCppTranslator"]

DEFAULT_CONTEXT = 4096
DEFAULT_BATCH = 512
GUARD_REPEAT_PENALTY = 1.3


@dataclass(frozen=True)
class LlamaCppOptions:
    """The ``llamacpp`` engines' own settings in ``[translate]`` and ``[summarize]``.

    Attributes:
        context: the context size in tokens (prompt and reply together).
        batch: tokens of prompt evaluated per step (llama.cpp's ``n_batch``).
        gpu_layers: layers offloaded to a GPU (-1: all; 0: CPU only, the default).
        prompts: folder of prompt templates; ``None`` uses the shipped ones.
    """

    context: int = DEFAULT_CONTEXT
    batch: int = DEFAULT_BATCH
    gpu_layers: int = 0
    prompts: str | None = None

    def validate(self) -> None:
        """Raise ``ValueError`` for an impossible setting."""
        if self.context < 256:
            raise ValueError(f"context must be at least 256 tokens, not {self.context}")
        if self.batch < 1:
            raise ValueError(f"batch must be at least 1, not {self.batch}")


@contextmanager
def _map_llama_errors(path: str) -> Iterator[None]:
    # llama-cpp-python reports an unreadable file as ValueError("Failed to load model from file")
    try:
        yield
    except (ValueError, RuntimeError) as exc:
        raise ModelLoadError(f"llama.cpp cannot load {path}: {exc}", model=path,
                             hint="Is it a GGUF model file? Download it again, or point the preset at another.") from exc


class LlamaCppChat:
    """A GGUF model loaded by llama-cpp-python, behind the :class:`~.chat.ChatModel` protocol.

    Args:
        llama: the loaded ``llama_cpp.Llama``.
    """

    def __init__(self, llama: Any) -> None:
        self.llama = llama

    @classmethod
    def load(cls, path: str, runtime: RuntimeConfig, options: LlamaCppOptions) -> LlamaCppChat:
        """Load a GGUF file.

        Raises:
            EngineUnavailableError: llama-cpp-python is not installed.
            ModelNotAvailableError: the file does not exist.
            ModelLoadError: it is not a model llama.cpp reads.
        """
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise EngineUnavailableError("the llamacpp engine needs llama-cpp-python, which is not installed",
                                         hint="pip install 'summarize[llm]' (it builds llama.cpp).") from exc
        file = Path(path).expanduser()
        if not file.is_file():
            raise ModelNotAvailableError(f"model file {path} does not exist", model=path,
                                         hint="Point the preset's model at a local .gguf file.")
        with _map_llama_errors(path):
            llama = Llama(model_path=str(file), n_ctx=options.context, n_batch=options.batch,
                          n_threads=runtime.threads or physical_cores(), n_gpu_layers=options.gpu_layers,
                          verbose=False)
        return cls(llama)

    @property
    def context(self) -> int:
        return int(self.llama.n_ctx())

    def count_tokens(self, text: str) -> int:
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def complete(self, conversations: Sequence[Messages], *, max_tokens: int, guard: bool = False) -> list[str]:
        replies = []
        for messages in conversations:
            answer = self.llama.create_chat_completion(
                messages=messages, max_tokens=max_tokens, temperature=0.0, top_k=1,
                repeat_penalty=GUARD_REPEAT_PENALTY if guard else 1.0)
            replies.append(str(answer["choices"][0]["message"]["content"] or ""))
            self.llama.reset()
        return replies


class LlamaCppTranslator(ChatTranslator):
    """Prompted translation with local GGUF models (``models`` names a file per direction)."""

    engine = "llamacpp"
    Options = LlamaCppOptions
    native_code = True  # built and run in a worker process: a crash in llama.cpp costs one input

    def __init__(self, config: TranslateConfig, runtime: RuntimeConfig, *,
                 langid: LanguageIdentifier | None = None) -> None:
        super().__init__(config, runtime, langid=langid)
        self.options = LlamaCppOptions(**config.options)
        self.prompts_folder = self.options.prompts

    def open_chat(self, model: str) -> ChatModel:
        return LlamaCppChat.load(model, self.runtime, self.options)


class LlamaCppSummarizer(ChatSummarizer):
    """Instruct summaries with a local GGUF model (``model`` is the file)."""

    engine = "llamacpp"
    Options = LlamaCppOptions
    native_code = True  # built and run in a worker process: a crash in llama.cpp costs one input

    def __init__(self, config: SummarizeConfig, runtime: RuntimeConfig, *,
                 langid: LanguageIdentifier | None = None) -> None:
        super().__init__(config, runtime, langid=langid)
        self.options = LlamaCppOptions(**config.options)
        self.prompts_folder = self.options.prompts

    def open_chat(self) -> ChatModel:
        return LlamaCppChat.load(self.config.model, self.runtime, self.options)
