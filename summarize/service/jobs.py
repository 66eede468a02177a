"""Batch jobs: many inputs, one JSONL record each, kept on disk so a restarted service finishes them.

A job is a folder under the service's jobs folder::

    JOB_ID/job.json        what was asked (options, number of inputs), written atomically last
    JOB_ID/inputs.jsonl    the inputs as a batch manifest (id + url or text)
    JOB_ID/results.jsonl   the journal of ``summarize batch``: one record per input
    JOB_ID/state.json      ``done`` or ``failed`` (with the error), once the job has ended

The records are written by :class:`summarize.batch.journal.Journal` with the batch's resume
rules: a service killed at any moment (SIGKILL included) leaves a journal that the next start
completes, skipping every input that has a record, so each input ends with exactly one. A job
folder without ``job.json`` was never acknowledged to a client and is ignored. The process that
runs a job holds ``JOB_ID/job.lock``, so several services may share one jobs folder: each
unfinished job is resumed by one of them.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..batch.journal import FAILED, Journal, record_status, to_record
from ..document import Source
from ..errors import SummarizeError
from ..pipeline.envelope import guarded_read
from ..pipeline.scheduler import Outcome, process_stream
from ..reading.manifest import expand_inputs
from ..reading.reader import Loaded
from .batcher import Batcher
from .errors import NotFoundError, error_body
from .pipelines import PipelinePool, RunOptions

__all__ = ["JobInput", "JobStore"]

LOG = logging.getLogger("summarize")
SYNC_INTERVAL_S = 2.0
RUNNING, DONE, FAILED_JOB = "running", "done", "failed"
JOB_LOCK = "job.lock"  # held by the process running the job: two services may share a jobs folder


@dataclass(frozen=True)
class JobInput:
    """One input of a job: an id and a URL or a text, optionally its language."""

    id: str
    url: str | None = None
    text: str | None = None
    lang: str | None = None

    def entry(self) -> dict[str, str]:
        """The manifest line for this input."""
        return {k: v for k, v in asdict(self).items() if v is not None}


class JobStore:
    """Creates, runs, resumes and reports batch jobs.

    Args:
        root: the jobs folder (created if missing).
        pool: where jobs get their pipelines.
        batcher: the model thread every job shares with the requests.
        batch_docs: documents a job sends to the models at a time.
        workers: threads reading a job's inputs.
    """

    def __init__(self, root: str | os.PathLike[str], pool: PipelinePool, batcher: Batcher, *,
                 batch_docs: int = 16, workers: int = 4) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._pool = pool
        self._batcher = batcher
        self._batch_docs = batch_docs
        self._workers = workers
        self._stop = threading.Event()
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def create(self, inputs: Sequence[JobInput], options: RunOptions, *, source_lang: str | None = None) -> str:
        """Write a new job to disk and start it; returns its id.

        Raises:
            ConfigError: options the service cannot serve (checked before anything is written).
        """
        self._pool.get(options)
        job_id = uuid.uuid4().hex
        folder = self.root / job_id
        folder.mkdir()
        with (folder / "inputs.jsonl").open("w", encoding="utf-8") as f:
            for item in inputs:
                f.write(json.dumps(item.entry(), ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        meta = {"id": job_id, "created": time.time(), "total": len(inputs), "source_lang": source_lang,
                "options": {**asdict(options), "glossary": [list(p) for p in options.glossary]}}
        _write_atomically(folder / "job.json", meta)
        self._start(job_id)
        return job_id

    def resume_all(self) -> list[str]:
        """Start every job a previous run of the service left unfinished; returns their ids."""
        resumed = []
        for meta_path in sorted(self.root.glob("*/job.json")):
            job_id = meta_path.parent.name
            if not (meta_path.parent / "state.json").exists():
                self._start(job_id)
                resumed.append(job_id)
        return resumed

    def close(self, timeout: float = 30.0) -> None:
        """Ask every job to stop after the documents in the models; wait for them."""
        self._stop.set()
        for thread in list(self._threads.values()):
            thread.join(timeout)

    def status(self, job_id: str) -> dict[str, Any]:
        """Progress of one job: state, total, done, failed, and its error if it failed.

        Raises:
            NotFoundError: no such job.
        """
        folder = self._folder(job_id)
        meta = json.loads((folder / "job.json").read_text(encoding="utf-8"))
        done = failed = 0
        for record in _whole_records(folder / "results.jsonl"):
            if record_status(record) == FAILED:
                failed += 1
            else:
                done += 1
        state_path = folder / "state.json"
        state: dict[str, Any] = json.loads(state_path.read_text(encoding="utf-8")) if state_path.exists() else {}
        running = self._alive(job_id) or _held(folder / JOB_LOCK)
        return {"id": job_id, "state": state.get("state", RUNNING if running else "queued"),
                "total": meta["total"], "done": done, "failed": failed, "created": meta["created"],
                **({"error": state["error"]} if "error" in state else {})}

    def results(self, job_id: str, *, follow: bool = False, poll: float = 0.2) -> Iterator[bytes]:
        """The job's records as JSONL lines, whole lines only; with ``follow``, until the job ends.

        Raises:
            NotFoundError: no such job.
        """
        folder = self._folder(job_id)
        path = folder / "results.jsonl"
        offset = 0
        while True:
            ended = (folder / "state.json").exists() or not (self._alive(job_id) or _held(folder / JOB_LOCK))
            if path.exists():
                with path.open("rb") as f:
                    f.seek(offset)
                    chunk = f.read()
                end = chunk.rfind(b"\n") + 1  # a line being written is not yet a record
                if end:
                    offset += end
                    yield chunk[:end]
            if not follow or ended:
                return
            time.sleep(poll)

    def _alive(self, job_id: str) -> bool:
        thread = self._threads.get(job_id)
        return thread is not None and thread.is_alive()

    def _folder(self, job_id: str) -> Path:
        folder = self.root / job_id
        if not job_id.isalnum() or not (folder / "job.json").is_file():
            raise NotFoundError(f"no job {job_id!r}", hint="POST /v1/jobs returns the id of a new job.")
        return folder

    def _start(self, job_id: str) -> None:
        with self._lock:
            if self._alive(job_id):
                return
            thread = threading.Thread(target=self._run, args=(job_id,), name=f"job-{job_id[:8]}", daemon=True)
            self._threads[job_id] = thread
            thread.start()

    def _run(self, job_id: str) -> None:
        from filelock import FileLock, Timeout

        folder = self.root / job_id
        lock = FileLock(str(folder / JOB_LOCK), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            return  # another service on the same jobs folder runs it
        try:
            self._run_locked(job_id, folder)
        finally:
            lock.release()

    def _run_locked(self, job_id: str, folder: Path) -> None:
        try:
            self._work(folder)
        except SummarizeError as exc:
            _write_atomically(folder / "state.json", {"state": FAILED_JOB, **error_body(exc)})
        except Exception as exc:
            LOG.exception("job %s failed", job_id)
            _write_atomically(folder / "state.json", {"state": FAILED_JOB, "error": {
                "type": "UnexpectedError", "message": f"unexpected {type(exc).__name__}: {exc}",
                "hint": "This is a bug in summarize; please report it. Restarting the service resumes the job."}})
        else:
            if not self._stop.is_set():
                _write_atomically(folder / "state.json", {"state": DONE})

    def _work(self, folder: Path) -> None:
        meta = json.loads((folder / "job.json").read_text(encoding="utf-8"))
        opts = meta["options"]
        options = RunOptions(preset=opts["preset"], sentences=opts["sentences"], words=opts["words"],
                             glossary=tuple(tuple(p) for p in opts["glossary"]))  # type: ignore[misc]
        key, pipeline = self._pool.get(options)
        sources = expand_inputs([str(folder / "inputs.jsonl")], formats=pipeline.registry)
        with Journal(folder / "results.jsonl", mode="resume") as journal:
            todo = [Source.coerce(s, meta.get("source_lang")) for s in sources if s.id not in journal.statuses]

            def process(group: Sequence[Loaded]) -> list[Outcome]:
                futures: list[Future[Outcome]] = [self._batcher.submit(key, pipeline.process, one) for one in group]
                return [f.result() for f in futures]

            last_sync = time.monotonic()
            for _, source, outcome in process_stream(todo, read=guarded_read(pipeline.reader.load), process=process,
                                                     batch_docs=self._batch_docs, workers=self._workers,
                                                     stop=self._stop.is_set):
                journal.append(to_record(source, outcome))
                if time.monotonic() - last_sync > SYNC_INTERVAL_S:
                    journal.sync()
                    last_sync = time.monotonic()


def _held(lock_path: Path) -> bool:
    """Whether some process holds the job's lock now."""
    from filelock import FileLock, Timeout

    if not lock_path.exists():
        return False
    lock = FileLock(str(lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return True
    lock.release()
    return False


def _whole_records(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with path.open("rb") as f:
        for line in f:
            if line.endswith(b"\n") and line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    continue  # a torn line from a killed run: the resumed run cuts it


def _write_atomically(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
