"""The service without its web framework: one pipeline pool, the batcher, the jobs, the limits.

:class:`Service` is what the HTTP layer (:mod:`.app`) calls; it takes plain values and returns
results or raises :class:`~summarize.errors.SummarizeError`, so it can be read and tested apart
from any framework.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..document import Result, Source
from ..errors import DeadlineError, SummarizeError
from ..pipeline.envelope import guarded_read
from ..pipeline.scheduler import Outcome
from .batcher import Batcher
from .errors import RequestError
from .jobs import JobInput, JobStore
from .pipelines import PipelinePool, RunOptions
from .settings import ServiceSettings

__all__ = ["Service", "source_of"]


def source_of(*, url: str | None, text: str | None, id: str | None = None, lang: str | None = None) -> Source:
    """The source a request names: exactly one of an http(s) URL or a text.

    Raises:
        RequestError: neither or both, a URL of another scheme, or a blank text.
    """
    if (url is None) == (text is None):
        raise RequestError("give exactly one of \"url\" and \"text\"",
                           hint='Send {"url": "https://..."} or {"text": "..."}.')
    if url is not None:
        if not url.lower().startswith(("http://", "https://")):
            raise RequestError(f"url must be an http:// or https:// address, not {url[:80]!r}",
                               hint="The service reads articles from the web or from the text you send, "
                                    "never from its own files.")
        return Source(value=url, kind="url", id=id, lang=lang)
    assert text is not None
    if not text.strip():
        raise RequestError("text is empty", hint="Send the article's text, paragraphs separated by blank lines.")
    return Source.from_text(text, id=id, lang=lang)


class Service:
    """Everything a running service holds.

    Args:
        settings: presets, limits and where jobs live.

    Raises:
        SummarizeError: the default preset cannot be built or its models loaded.
    """

    def __init__(self, settings: ServiceSettings) -> None:
        settings.validate()
        self.settings = settings
        self.pool = PipelinePool(settings)
        self.pool.load_default()
        self.batcher = Batcher(window=settings.window, max_batch=settings.max_batch,
                               max_pending=settings.max_queue, deadline=settings.deadline)
        self.jobs = JobStore(Path(settings.jobs_dir), self.pool, self.batcher, batch_docs=settings.batch_docs)
        self._readers = ThreadPoolExecutor(max_workers=max(4, settings.max_batch), thread_name_prefix="read")

    def start(self) -> list[str]:
        """Start the model thread and resume unfinished jobs; returns the resumed jobs' ids."""
        self.batcher.start()
        return self.jobs.resume_all()

    def close(self) -> None:
        """Stop the jobs after the documents in the models, then the model thread."""
        self.jobs.close()
        self.batcher.close()
        self._readers.shutdown(wait=False, cancel_futures=True)

    async def run_one(self, source: Source, options: RunOptions, *, summarize: bool = True,
                      target: str | None = None) -> Result:
        """Read one source and put it through the models with whatever else arrives meanwhile.

        Raises:
            BusyError: the queue is full.
            DeadlineError: the request took longer than the service's deadline.
            SummarizeError: the input's own error, or one that stops every input.
        """
        loop = asyncio.get_running_loop()
        with self.batcher.admit():
            inner: list[Future[Outcome]] = []
            try:
                async with asyncio.timeout(self.settings.deadline):
                    key, pipeline = await loop.run_in_executor(self._readers, self.pool.get, options)
                    process = functools.partial(pipeline.process, summarize=summarize, target=target)
                    loaded = await loop.run_in_executor(self._readers, guarded_read(pipeline.reader.load), source)
                    inner.append(self.batcher.submit((key, summarize, target), process, loaded))
                    outcome = await asyncio.wrap_future(inner[0])
            except TimeoutError:
                for future in inner:
                    future.cancel()  # not yet in the models: it never will be
                raise DeadlineError(f"{source.label}: the request took longer than {self.settings.deadline:g} s",
                                    source=source.label,
                                    hint="Retry later, send a shorter article, or use POST /v1/jobs.") from None
        if isinstance(outcome, SummarizeError):
            raise outcome
        return outcome

    def create_job(self, inputs: Sequence[JobInput], options: RunOptions, *, source_lang: str | None) -> str:
        """Check and start a batch job; returns its id.

        Raises:
            RequestError: no inputs, too many, repeated ids, or an input that names no http(s) URL or text.
            ConfigError: options the service cannot serve.
        """
        if not inputs:
            raise RequestError("a job needs at least one input", hint='Send {"inputs": [{"text": "..."}, ...]}.')
        if len(inputs) > self.settings.max_job_inputs:
            raise RequestError(f"a job may have at most {self.settings.max_job_inputs} inputs, not {len(inputs)}",
                               hint="Split it into several jobs.")
        seen: set[str] = set()
        for item in inputs:
            source_of(url=item.url, text=item.text, id=item.id)
            if item.id in seen:
                raise RequestError(f"input id {item.id!r} appears twice", hint="Give every input its own id.")
            seen.add(item.id)
        return self.jobs.create(inputs, options, source_lang=source_lang)
