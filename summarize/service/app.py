"""The HTTP layer: FastAPI routes, the body cap, the API key, errors as JSON.

The only module of the package that imports the web framework (the ``serve`` extra); the
``summarize serve`` command imports it, nothing else does.
"""

from __future__ import annotations

import hmac
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._version import __version__
from ..errors import ConfigError, SummarizeError
from .errors import BodyTooLargeError, BusyError, NotFoundError, RequestError, UnauthorizedError, error_body, status_of
from .jobs import JobInput
from .pipelines import RunOptions, glossary_pairs
from .service import Service, source_of
from .settings import API_KEY_ENV, ServiceSettings

__all__ = ["create_app"]

Lang = Literal["es", "en"]


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    preset: str | None = Field(None, description="One of GET /v1/presets (default: the service's).")
    source_lang: Lang | None = Field(None, description="Skip language detection: the article is in this language.")
    sentences: int | None = Field(None, ge=1, le=20, description="Summary length in sentences.")
    words: int | None = Field(None, ge=5, le=500, description="Summary length in words (wins over sentences).")
    glossary: list[list[str]] | None = Field(None, max_length=5000,
                                             description="Fixed renderings: [[spanish, english], ...].")

    def run_options(self) -> RunOptions:
        return RunOptions(preset=self.preset, sentences=self.sentences, words=self.words,
                          glossary=glossary_pairs(self.glossary or []))


class ArticleRequest(_Options):
    """One article: a URL or its text, and the run options."""

    url: str | None = Field(None, description="An http(s) address of the article.")
    text: str | None = Field(None, description="The article's text (blank lines between paragraphs).")
    id: str | None = Field(None, max_length=500, description="Your identifier, echoed in the result.")


class TranslateRequest(ArticleRequest):
    """One article to translate only."""

    to: Lang | None = Field(None, description="Target language (default: the other one).")


class JobItem(BaseModel):
    """One input of a job."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=500, description="Unique within the job (default: its position, 1-based).")
    url: str | None = None
    text: str | None = None
    lang: Lang | None = None


class JobRequest(_Options):
    """Many articles, processed in the background with the batch's journal and resume rules."""

    inputs: list[JobItem]


class _BodyLimit:
    """Refuse a request body past ``max_body`` bytes with ``413``, whether or not it says its length."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = BodyTooLargeError(f"the request body is larger than the {self.max_body}-byte limit",
                                  hint="Send a shorter article, split a job into several, or restart the service "
                                       "with a larger --max-body.")
        await JSONResponse(error_body(error), status_code=413, headers={"Connection": "close"})(scope, receive, send)


def _error_response(error: SummarizeError) -> JSONResponse:
    headers: dict[str, str] = {}
    if isinstance(error, BusyError):
        headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, UnauthorizedError):
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(error_body(error), status_code=status_of(error), headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for problem in exc.errors()[:5]:
        where = ".".join(str(p) for p in problem.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {problem.get('msg', 'invalid')}")
    return "; ".join(parts)


def create_app(settings: ServiceSettings, *, service: Service | None = None) -> FastAPI:
    """The ASGI application over one :class:`Service`.

    Args:
        settings: the service's settings.
        service: an already built service (default: one built from ``settings``, loading the
            default preset's models now).

    Raises:
        SummarizeError: the default preset cannot be built or loaded.
    """
    svc = service or Service(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        svc.start()
        try:
            yield
        finally:
            svc.close()

    app = FastAPI(title="summarize", version=__version__, lifespan=lifespan,
                  description="Translate and summarize Spanish and English news articles. Errors are "
                              '`{"error": {"type", "message", "hint"}}`, as in batch error records.')
    bearer = HTTPBearer(auto_error=False, description=f"Needed when the service has an API key (--api-key, ${API_KEY_ENV}).")

    async def require_key(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:  # noqa: B008
        key = settings.api_key
        if key is None:
            return
        if credentials is None:
            raise UnauthorizedError("this service needs an API key", hint="Send the header Authorization: Bearer KEY.")
        if not hmac.compare_digest(credentials.credentials.encode(), key.encode()):
            raise UnauthorizedError("the API key is wrong", hint="Send the key the service was started with.")

    keyed = [Depends(require_key)]

    @app.exception_handler(SummarizeError)
    async def _summarize_error(_: Request, exc: SummarizeError) -> JSONResponse:
        return _error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _error_response(RequestError(f"the request is not valid: {_validation_message(exc)}",
                                            hint="See GET /openapi.json (or /docs) for the fields each endpoint takes."))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return _error_response(NotFoundError("no such path", hint="GET /openapi.json lists the endpoints."))
        body = {"error": {"type": "HTTPError", "message": str(exc.detail), "hint": None}}
        return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> HTMLResponse:
        html = resources.files("summarize.service").joinpath("page.html").read_text(encoding="utf-8")
        return HTMLResponse(html, headers={"Content-Security-Policy": "default-src 'self'; "
                                           "style-src 'unsafe-inline'; script-src 'unsafe-inline'"})

    @app.get("/v1/health", summary="Liveness and load")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "preset": svc.pool.default_name,
                "pending": svc.batcher.pending, "max_queue": settings.max_queue,
                "batches": svc.batcher.batches, "documents": svc.batcher.documents,
                "auth": settings.api_key is not None}

    @app.get("/v1/presets", summary="The presets a request may name", dependencies=keyed)
    async def presets() -> dict[str, Any]:
        return {"presets": svc.pool.described()}

    @app.post("/v1/summarize", summary="Translate and summarize one article", dependencies=keyed)
    async def summarize(body: ArticleRequest) -> JSONResponse:
        source = source_of(url=body.url, text=body.text, id=body.id, lang=body.source_lang)
        result = await svc.run_one(source, body.run_options())
        return JSONResponse(result.to_dict())

    @app.post("/v1/translate", summary="Translate one article", dependencies=keyed)
    async def translate(body: TranslateRequest) -> JSONResponse:
        source = source_of(url=body.url, text=body.text, id=body.id, lang=body.source_lang)
        result = await svc.run_one(source, body.run_options(), summarize=False, target=body.to)
        return JSONResponse(result.to_dict())

    @app.post("/v1/jobs", status_code=202, summary="Start a batch job", dependencies=keyed)
    async def create_job(body: JobRequest) -> dict[str, Any]:
        inputs = [JobInput(id=item.id or str(n), url=item.url, text=item.text, lang=item.lang)
                  for n, item in enumerate(body.inputs, start=1)]
        job_id = svc.create_job(inputs, body.run_options(), source_lang=body.source_lang)
        return {"id": job_id, "total": len(inputs), "status": f"/v1/jobs/{job_id}",
                "results": f"/v1/jobs/{job_id}/results"}

    @app.get("/v1/jobs/{job_id}", summary="A job's progress", dependencies=keyed)
    async def job_status(job_id: str) -> dict[str, Any]:
        return svc.jobs.status(job_id)

    @app.get("/v1/jobs/{job_id}/results", summary="A job's records as JSONL", dependencies=keyed,
             response_class=StreamingResponse)
    async def job_results(job_id: str, follow: Annotated[bool, Query(
            description="Keep the response open and send records as they are written, until the job ends.")] = False,
    ) -> StreamingResponse:
        lines = svc.jobs.results(job_id, follow=follow)  # NotFoundError before the response starts
        return StreamingResponse(_threaded(lines), media_type="application/x-ndjson")

    app.add_middleware(_BodyLimit, max_body=settings.max_body)
    return app


async def _threaded(lines: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Iterate a blocking generator off the event loop."""
    from starlette.concurrency import iterate_in_threadpool

    async for chunk in iterate_in_threadpool(lines):
        yield chunk


def serve(settings: ServiceSettings, *, announce: Callable[[str], None] | None = None) -> None:
    """Build the service and serve it with uvicorn until stopped (Ctrl-C, SIGTERM).

    The address is taken before the models load, so a port in use fails at once.

    Raises:
        ConfigError: the address cannot be listened on (in use, not this machine's).
        SummarizeError: bad settings, or the default preset's models cannot be loaded.
    """
    import uvicorn

    settings.validate()
    sock = _listen(settings.host, settings.port)
    try:
        app = create_app(settings)
        host, port = sock.getsockname()[:2]
        if announce:
            where = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
            announce(f"serving {where} (API at {where}v1, docs at {where}docs)")
        config = uvicorn.Config(app, log_level=settings.log_level, timeout_graceful_shutdown=30)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()


def _listen(host: str, port: int) -> socket.socket:
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                          hint="Choose another --port (or --host), or stop what is listening there.") from None
    return sock
