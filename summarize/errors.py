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
    │   └── EngineTimeoutError              it did not finish one input in time (that input's error)
    ├── DeviceError                exit 6   asked-for device does not exist / ran out of memory
    │   └── DeviceMemoryError               one input does not fit even alone (that input's error)
    └── BatchError                 exit 7   output locked by another run, cannot write output

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

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n{self.hint}"
        return self.message


class ConfigError(SummarizeError):
    """A preset file, option or environment variable is invalid."""

    exit_code = 2


class InputError(SummarizeError):
    """An input could not be read or turned into a document."""

    exit_code = 3
    per_input = True

    def __init__(self, message: str, *, source: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.source = source


class FetchError(InputError):
    """A URL could not be fetched."""

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


class EmptyDocumentError(InputError):
    """The input holds no text to translate or summarize."""


class DeadlineError(InputError):
    """One input took longer than its time limit (reading it, or an engine working on it)."""


class UnexpectedError(SummarizeError):
    """Something that should not happen happened while working on one input: a bug, kept to that input.

    The batch records it as the input's error and goes on; the traceback goes to the ``summarize``
    logger (``--debug`` prints it).
    """

    exit_code = 1
    per_input = True


class LanguageError(SummarizeError):
    """The article is not in one of the supported languages."""

    exit_code = 4
    per_input = True

    def __init__(self, message: str, *, detected: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.detected = detected


class ModelError(SummarizeError):
    """A model could not be made ready."""

    exit_code = 5

    def __init__(self, message: str, *, model: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.model = model


class ModelNotAvailableError(ModelError):
    """A model is neither cached nor downloadable."""


class ModelLoadError(ModelError):
    """A model directory exists but cannot be loaded."""


class EngineUnavailableError(SummarizeError):
    """A system engine the preset needs is not installed."""

    exit_code = 5


class EngineTimeoutError(EngineUnavailableError):
    """A system engine did not finish one input's work in time (the input is at fault, not the engine)."""

    per_input = True


class DeviceError(SummarizeError):
    """The requested device is missing or ran out of memory."""

    exit_code = 6


class DeviceMemoryError(DeviceError):
    """One input does not fit the device's memory even alone (a shorter one may)."""

    per_input = True


class BatchError(SummarizeError):
    """A batch run cannot go on (output locked, unwritable, corrupt beyond repair)."""

    exit_code = 7
