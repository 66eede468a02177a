"""Errors meant for users: what went wrong and what to do about it.

Every error the library raises on purpose derives from :class:`SummarizeError`; anything else is a
bug and keeps its traceback. The command line turns these into one clean message on stderr and the
exit code of the class::

    SummarizeError                 exit 1
    ├── ConfigError                exit 2   bad preset file, unknown key, bad option value
    ├── InputError                 exit 3   the article could not be read
    │   ├── FetchError                      URL could not be fetched (network, HTTP status, size)
    │   ├── UnsupportedInputError           wrong file type, binary file, directory, bad scheme
    │   ├── EmptyDocumentError              nothing to work on after extraction
    │   └── DeadlineError                   one input took longer than its time limit
    ├── LanguageError              exit 4   article not in Spanish or English
    ├── UnexpectedError            exit 1   a bug met while working on one input (its traceback: --debug)
    ├── ModelError                 exit 5
    │   ├── ModelNotAvailableError          not cached and cannot be downloaded
    │   └── ModelLoadError                  present but unreadable or corrupt
    ├── EngineUnavailableError     exit 5   a system engine (e.g. Apertium) is not installed
    │   ├── EngineTimeoutError              it did not finish one input in time (that input's error)
    │   └── EngineCrashedError              its process died on one input: a signal, OOM (that input's error)
    │       └── EngineBrokenError           it crashed on several inputs in a row: the run stops
    ├── DeviceError                exit 6   asked-for device does not exist / ran out of memory
    │   └── DeviceMemoryError               one input does not fit even alone (that input's error)
    └── BatchError                 exit 7   output locked by another run, cannot write output

Every error carries a hint: one raised without its own gets its class's :attr:`default_hint`
(what anyone meeting that kind of error can do), so no error record has an empty hint.

Not an exception: ``summarize batch`` exits 8 when it finished but some inputs failed (their error
records are in the output; see :data:`summarize.batch.EXIT_SOME_FAILED`), and 128 + the signal's
number when one stopped it: 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP (rerun with ``--resume``).
"""

from __future__ import annotations

__all__ = [
    "BatchError",
    "ConfigError",
    "DeadlineError",
    "DeviceError",
    "DeviceMemoryError",
    "EmptyDocumentError",
    "EngineBrokenError",
    "EngineCrashedError",
    "EngineTimeoutError",
    "EngineUnavailableError",
    "FetchError",
    "InputError",
    "LanguageError",
    "ModelError",
    "ModelLoadError",
    "ModelNotAvailableError",
    "SummarizeError",
    "UnexpectedError",
    "UnsupportedInputError",
]


class SummarizeError(Exception):
    """Base class of every error meant for the user.

    Args:
        message: what went wrong.
        hint: what the user can do about it (shown on its own line by the CLI).

    ``per_input`` says whose fault it is: ``True`` for one input's (a batch records it as that
    input's error and goes on), ``False`` for the run's (a missing model or engine, a device, a bad
    configuration: every input would meet it, so the run stops).
    """

    exit_code = 1
    per_input = False
    default_hint = "See the message above; rerun with --debug for details."

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint: str = hint or type(self).default_hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n{self.hint}"
        return self.message


class ConfigError(SummarizeError):
    """A preset file, option or environment variable is invalid."""

    default_hint = (
        "Fix the option, environment variable or preset file named in the message (summarize --help lists the options).")

    exit_code = 2


class InputError(SummarizeError):
    """An input could not be read or turned into a document."""

    default_hint = (
        "Check that the input exists, can be read and holds one article; fix it, or leave it out of the run.")

    exit_code = 3
    per_input = True

    def __init__(self, message: str, *, source: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.source = source


class FetchError(InputError):
    """A URL could not be fetched."""

    default_hint = (
        "Check the URL (open it in a browser); if the site is slow or down, try again later (a batch: --retry-failed).")

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        status_code: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, source=source, hint=hint)
        self.status_code = status_code


class UnsupportedInputError(InputError):
    """The input is of a kind the tool does not read (file type, URL scheme, binary data)."""

    default_hint = "Give an article as plain text, Markdown or HTML: a file, stdin or an http(s) URL."


class EmptyDocumentError(InputError):
    """The input holds no text to translate or summarize."""

    default_hint = (
        "The input holds no article text; check that it is the right file or page, or leave it out of the run.")


class DeadlineError(InputError):
    """One input took longer than its time limit (reading it, or an engine working on it)."""

    default_hint = (
        "The input is too slow to read or too long or degenerate for the engine; shorten it, or give it more time with --deadline SECONDS (Python: deadline=).")


class UnexpectedError(SummarizeError):
    """Something that should not happen happened while working on one input: a bug, kept to that input.

    The batch records it as the input's error and goes on; the traceback goes to the ``summarize``
    logger (``--debug`` prints it).
    """

    exit_code = 1
    per_input = True
    default_hint = "This is a bug in summarize; rerun with --debug for the traceback, and please report it."


class LanguageError(SummarizeError):
    """The article is not in one of the supported languages."""

    exit_code = 4
    per_input = True
    default_hint = (
        "Only Spanish and English articles are handled; if the language was misdetected, name it with --source-lang es or en.")

    def __init__(self, message: str, *, detected: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.detected = detected


class ModelError(SummarizeError):
    """A model could not be made ready."""

    exit_code = 5
    default_hint = (
        "Download the models with: summarize models pull (on a machine with network), or choose another pipeline (-p offline).")

    def __init__(self, message: str, *, model: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.model = model


class ModelNotAvailableError(ModelError):
    """A model is neither cached nor downloadable."""


class ModelLoadError(ModelError):
    """A model directory exists but cannot be loaded."""

    default_hint = "The model's folder is damaged or incomplete: delete it, then download it again with: summarize models pull"


class EngineUnavailableError(SummarizeError):
    """A system engine the preset needs is not installed."""

    exit_code = 5
    default_hint = (
        "Install the engine the message names, or choose a pipeline with other engines (summarize models list).")


class EngineTimeoutError(EngineUnavailableError):
    """A system engine did not finish one input's work in time (the input is at fault, not the engine)."""

    per_input = True
    default_hint = (
        "The text may be degenerate; shorten it. If every input times out, check the engine's installation.")


class EngineCrashedError(EngineUnavailableError):
    """An engine's process died while working on one input (SIGILL, SIGSEGV, abort, the OOM killer).

    Native engines run in a worker process (:mod:`summarize.backends.worker`), so the crash costs
    that input alone: the batch goes on and the next input starts a new worker.

    Args:
        engine: the engine's name.
        signal: the signal that killed it (``SIGILL``), or ``None`` when it exited otherwise.
    """

    per_input = True
    default_hint = ("The engine's native code crashed on this input; the other inputs go on. If every input "
                    "crashes, check the engine's installation with `summarize doctor`.")

    def __init__(self, message: str, *, engine: str = "", signal: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.engine = engine
        self.signal = signal


class EngineBrokenError(EngineCrashedError):
    """An engine crashed on several inputs in a row and is not started again for a while.

    The run's failure, not one input's: a build that dies on every prompt stops a batch (exit 5,
    the crashed inputs keep their records) instead of filling it with error records; the service
    answers 503 until the pause is over.
    """

    per_input = False
    default_hint = ("Every recent input crashed this engine: run `summarize doctor` to see whether it works on "
                    "this machine, fix it, then redo the failed inputs (summarize batch ... --resume --retry-failed).")


class DeviceError(SummarizeError):
    """The requested device is missing or ran out of memory."""

    exit_code = 6
    default_hint = "Choose another device with --device (cpu always works), or a smaller --batch-size."


class DeviceMemoryError(DeviceError):
    """One input does not fit the device's memory even alone (a shorter one may)."""

    per_input = True
    default_hint = "Shorten the input, or run it on a device with more memory (--device cpu)."


class BatchError(SummarizeError):
    """A batch run cannot go on (output locked, unwritable, corrupt beyond repair)."""

    exit_code = 7
    default_hint = (
        "Fix the output file or its folder as the message says, then rerun the same command with --resume.")
