"""``summarize serve``: an HTTP API and a web page over one loaded pipeline.

``settings`` is the frozen value a service is built from; ``service`` holds the pipelines
(``pipelines``), the model thread that batches concurrent requests (``batcher``) and the batch
jobs (``jobs``); ``app`` is the HTTP layer, the one module that imports the web framework
(``pip install 'summarize[serve]'``); ``errors`` maps every error to its HTTP status.
"""

from __future__ import annotations

from typing import Any

from .settings import API_KEY_ENV, ServiceSettings

__all__ = ["API_KEY_ENV", "ServiceSettings", "serve"]


def serve(settings: ServiceSettings, **kwargs: Any) -> None:
    """Serve the API and the page until stopped (see :func:`summarize.service.app.serve`).

    Raises:
        EngineUnavailableError: the ``serve`` extra is not installed.
        SummarizeError: bad settings, or the default preset's models cannot be loaded.
    """
    try:
        from .app import serve as _serve
    except ImportError as exc:
        from ..errors import EngineUnavailableError

        raise EngineUnavailableError(f"summarize serve needs FastAPI and uvicorn ({exc.name} is missing)",
                                     hint="pip install 'summarize[serve]'") from None
    _serve(settings, **kwargs)
