"""The service's own errors and the HTTP status of every error.

A response for a failure carries the same object a batch error record does,
``{"error": {"type", "message", "hint"}}``, so a client handles both alike. The service adds a few
errors of its own under :class:`ServiceError`; the library's errors keep their classes::

    SummarizeError
    └── ServiceError           500
        ├── RequestError       422  the body is not what the endpoint takes
        ├── UnauthorizedError  401  no or wrong API key
        ├── NotFoundError      404  no such job or path
        ├── BodyTooLargeError  413  the body is past --max-body
        └── BusyError          429  the queue is full (with Retry-After)
"""

from __future__ import annotations

from typing import Any

from ..errors import (
    BatchError,
    ConfigError,
    DeadlineError,
    DeviceError,
    DeviceMemoryError,
    EngineBrokenError,
    EngineCrashedError,
    EngineTimeoutError,
    EngineUnavailableError,
    InputError,
    LanguageError,
    ModelError,
    SummarizeError,
    UnexpectedError,
)

__all__ = [
    "BodyTooLargeError",
    "BusyError",
    "NotFoundError",
    "RequestError",
    "ServiceError",
    "UnauthorizedError",
    "error_body",
    "status_of",
]


class ServiceError(SummarizeError):
    """A failure of the HTTP layer itself."""

    status = 500


class RequestError(ServiceError):
    """The request body or its parameters are not what the endpoint takes."""

    status = 422


class UnauthorizedError(ServiceError):
    """The API key is missing or wrong."""

    status = 401


class NotFoundError(ServiceError):
    """No such job, or no such path."""

    status = 404


class BodyTooLargeError(ServiceError):
    """The request body is larger than the service accepts."""

    status = 413


class BusyError(ServiceError):
    """Too many requests are in the service already."""

    status = 429

    def __init__(self, message: str, *, retry_after: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


# Most specific first: the first class an error is an instance of decides its status.
STATUSES: tuple[tuple[type[SummarizeError], int], ...] = (
    (DeadlineError, 504),          # the request (or reading its article) ran past its time
    (EngineTimeoutError, 504),
    (EngineBrokenError, 503),      # it crashed on every recent request: paused a while, then tried again
    (EngineCrashedError, 500),     # its process died on this request; the next one starts a new one
    (LanguageError, 422),
    (InputError, 422),             # the article could not be read: a URL refused or failing, empty text
    (ConfigError, 400),            # an option value out of range, an unknown preset
    (UnexpectedError, 500),
    (DeviceMemoryError, 507),      # this input does not fit even alone
    (ModelError, 503),             # the service cannot work at all: a model, an engine, a device
    (EngineUnavailableError, 503),
    (DeviceError, 503),
    (BatchError, 500),
)


def status_of(error: SummarizeError) -> int:
    """The HTTP status that says what kind of failure ``error`` is."""
    if isinstance(error, ServiceError):
        return error.status
    for kind, status in STATUSES:
        if isinstance(error, kind):
            return status
    return 500


def error_body(error: SummarizeError) -> dict[str, Any]:
    """``{"error": {"type", "message", "hint"}}``, as in a batch error record."""
    return {"error": {"type": type(error).__name__, "message": error.message, "hint": error.hint}}
