"""Batch runs on Ray Data: the same Pipeline as a stateful actor, the driver writes the output.

The driver builds a dataset of the inputs still to do (resume decisions happen before, exactly
as for the local engine), maps it with :class:`PipelineActor` in an actor pool (each actor builds
one :class:`~summarize.pipeline.Pipeline`, whose models load once, on first use, and stay
loaded), and appends each returned record to the output as it streams back. Actors read their
sources themselves (URLs are fetched where the models run, with the same per-host limit per
actor) and share the translation cache of their machine.

Ray is an optional extra (``pip install 'summarize[ray]'``), imported only here and only when the
``ray`` engine is used. On a cluster, every node needs ``summarize`` installed.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import errors
from .document import Source
from .errors import EngineUnavailableError, SummarizeError
from .jsonl import to_record
from .stream import DEFAULT_PER_HOST, DEFAULT_WORKERS, process_stream

if TYPE_CHECKING:
    from .config import PipelineConfig
    from .fetch import FetchSettings
    from .pipeline import Pipeline

__all__ = ["PipelineActor", "RayOptions", "import_ray", "init_ray", "ray_records", "spread_batches"]

RAY_HINT = "Install it with: pip install 'summarize[ray]'  (or pip install 'ray[data]>=2.9')"


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide a Ray run goes.

    Attributes:
        address: a running cluster (``ray://host:10001``, ``auto``); ``None`` starts a local one.
        workers: pipeline actors; ``None`` fills the cluster (its CPUs, or GPUs when actors take
            GPUs).
        gpus_per_worker: GPUs each actor reserves (fractions share a GPU).
        cpus_per_worker: CPUs each actor reserves; also its torch threads unless the preset sets
            them.
        num_cpus: CPUs a local instance may use (``None``: all).
    """

    address: str | None = None
    workers: int | None = None
    gpus_per_worker: float = 0.0
    cpus_per_worker: float = 1.0
    num_cpus: int | None = None


def import_ray() -> Any:
    """Import Ray and Ray Data.

    Raises:
        EngineUnavailableError: when Ray is not installed.
    """
    try:
        import ray
        import ray.data  # the data extra is what the batch engine needs
    except ImportError as exc:
        raise EngineUnavailableError(f"the ray engine needs Ray Data, which is not installed ({exc})",
                                     hint=RAY_HINT) from None
    return ray


def init_ray(options: RayOptions) -> bool:
    """Connect to (or start) Ray unless already connected; keep its logging quiet.

    A local instance gets this package's folder on its workers' ``PYTHONPATH`` so that actors
    import the same ``summarize`` as the driver.

    Returns:
        True when this call connected, so the caller should shut Ray down when done.
    """
    ray = import_ray()
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the batch command draws its own
    context.print_on_execution_start = False
    logging.getLogger("ray").setLevel(logging.ERROR)
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    if ray.is_initialized():
        return False
    kwargs: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.ERROR, "log_to_driver": False}
    if options.address:
        kwargs["address"] = options.address
    else:
        package_root = str(Path(__file__).resolve().parent.parent)
        path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p)
        kwargs.update(num_cpus=options.num_cpus, runtime_env={"env_vars": {"PYTHONPATH": path}})
    ray.init(**kwargs)
    return True


class PipelineActor:
    """A Ray Data actor: one pipeline per actor, called on batches of inputs.

    Args:
        config: the pipeline configuration (the one the driver's preset resolved to).
        fetch_settings: limits for URLs.
        cache_dir: the text cache's folder (``None``: the default one on the actor's machine).
        use_cache: whether to cache at all.
        workers: reader threads in the actor.
        per_host: concurrent requests per host from the actor.
        requested: the preset the user asked for (the driver pipeline's ``requested``).
        notes: what the driver said about choosing the preset (a fallback). Both go into every
            record, as they do with the local engine.
    """

    def __init__(self, config: PipelineConfig, fetch_settings: FetchSettings, cache_dir: str | None,
                 use_cache: bool, workers: int = DEFAULT_WORKERS, per_host: int = DEFAULT_PER_HOST,
                 requested: str | None = None, notes: Sequence[str] = ()) -> None:
        from .cache import TextCache
        from .pipeline import Pipeline

        # transformers reads these when (and only if) an engine imports it
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        self.pipeline = Pipeline(config, fetch_settings=fetch_settings,
                                 cache=TextCache(cache_dir) if use_cache else None)
        self.pipeline.requested = requested or config.name
        self.pipeline.notes = list(notes)
        self.workers = workers
        self.per_host = per_host

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        """Process one batch of inputs; return their records as JSON strings.

        A run-level failure (a missing model, say) comes back as one row whose ``fatal`` column
        holds the error, for the driver to raise: it is not any one input's fault.
        """
        sources = [Source(str(v), str(k), id=str(i), lang=str(lang) or None)
                   for i, v, k, lang in zip(batch["id"], batch["value"], batch["kind"], batch["lang"], strict=True)]
        try:
            records = [json.dumps(to_record(s, o), ensure_ascii=False)
                       for s, o in process_stream(self.pipeline, sources, batch_docs=len(sources),
                                                  workers=self.workers, per_host=self.per_host)]
        except SummarizeError as exc:
            fatal = json.dumps({"type": type(exc).__name__, "message": exc.message, "hint": exc.hint})
            return {"record": [""], "fatal": [fatal]}
        return {"record": records, "fatal": [""] * len(records)}


def ray_records(
    todo: Sequence[Source],
    pipeline: Pipeline,
    *,
    batch_docs: int,
    options: RayOptions,
    cache_dir: str | None,
    use_cache: bool,
    workers: int = DEFAULT_WORKERS,
    per_host: int = DEFAULT_PER_HOST,
    stop: Callable[[], bool] = lambda: False,
) -> Iterator[dict[str, Any]]:
    """Run the inputs through an actor pool and yield their records as they come back.

    The actors rebuild ``pipeline`` from its configuration, fetch settings and preset notes; its
    loaded models (if any) stay in the driver.

    Raises:
        EngineUnavailableError: Ray is not installed.
        SummarizeError: a run-level failure reported by an actor (re-raised with its class).
    """
    if not todo:
        return
    ray = import_ray()
    started_here = init_ray(options)
    try:
        config = pipeline.config
        if config.runtime.threads is None:
            config = config.with_overrides(threads=max(1, int(options.cpus_per_worker)))
        actors = options.workers or _default_workers(ray, options)
        per_batch = spread_batches(len(todo), batch_docs, actors)
        batches = -(-len(todo) // per_batch)
        # Ray Data hands whole blocks to actors: one block a batch, or a small run's single block
        # would go to one actor however small its batches
        dataset = ray.data.from_items(
            [{"id": s.id, "value": s.value, "kind": s.kind, "lang": s.lang or ""} for s in todo],
            override_num_blocks=batches)
        mapped = dataset.map_batches(
            PipelineActor,
            fn_constructor_kwargs={"config": config, "fetch_settings": pipeline.fetch_settings, "cache_dir": cache_dir,
                                   "use_cache": use_cache, "workers": workers, "per_host": per_host,
                                   "requested": pipeline.requested, "notes": list(pipeline.notes)},
            batch_size=per_batch, batch_format="numpy",
            # one batch at a time per actor: the first actor up would otherwise queue every batch
            # of a small run while the others are still loading their models
            compute=ray.data.ActorPoolStrategy(size=min(actors, batches), max_tasks_in_flight_per_actor=1),
            num_cpus=options.cpus_per_worker, num_gpus=options.gpus_per_worker or None,
        )
        for batch in mapped.iter_batches(batch_size=None, batch_format="numpy"):
            for record, fatal in zip(batch["record"], batch["fatal"], strict=True):
                if fatal:
                    raise _rebuild_error(json.loads(str(fatal)))
                yield json.loads(str(record))
            if stop():
                return
    finally:
        if started_here:
            ray.shutdown()


def spread_batches(inputs: int, batch_docs: int, actors: int) -> int:
    """Documents per Ray batch: ``batch_docs``, or fewer when that would leave actors idle.

    With 8 inputs, 2 actors and ``batch_docs=16``, one batch of 8 would go to one actor while the
    other waits; batches of 4 keep both busy. Never below 1.
    """
    return max(1, min(batch_docs, -(-inputs // max(1, actors))))


def _default_workers(ray: Any, options: RayOptions) -> int:
    resources = ray.cluster_resources()
    if options.gpus_per_worker:
        return max(1, int(resources.get("GPU", 0) // options.gpus_per_worker))
    return max(1, int(resources.get("CPU", 1) // max(options.cpus_per_worker, 1e-9)))


def _rebuild_error(data: dict[str, Any]) -> SummarizeError:
    cls = getattr(errors, str(data.get("type")), None)
    if not (isinstance(cls, type) and issubclass(cls, SummarizeError)):
        cls = SummarizeError
    message, hint = str(data.get("message")), data.get("hint")
    try:
        return cls(message, hint=hint)  # type: ignore[no-any-return]
    except TypeError:  # a subclass with a required extra argument
        return SummarizeError(f"{data.get('type')}: {message}", hint=hint)
