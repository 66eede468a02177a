"""Batch runs on Ray Data: the same Pipeline as a stateful actor, the driver writes the output.

The driver builds a dataset of the inputs still to do (resume decisions happen before, exactly
as for the local engine), maps it with :class:`PipelineActor` in an actor pool (each actor builds
one :class:`~summarize.pipeline.Pipeline` from the driver pipeline's
:class:`~summarize.pipeline.PipelineSpec`, so it caches, falls back and reports as the driver's
would; its models load once, on first use, and stay loaded), and appends each returned record to
the output as it streams back. Actors read their sources themselves (URLs are fetched where the
models run, with the same per-host limit per actor) and share the text cache folder the spec
names, on their own machine.

Ray is an optional extra (``pip install 'summarize[ray]'``), imported only here and only when the
``ray`` engine is used. On a cluster, every node needs ``summarize`` installed. Where and how wide
the run goes is this engine's own settings, :class:`RayOptions` (``--engine-option KEY=VALUE`` on
the command line); the driver's registry travels in the spec, so an engine a script registered
runs on the actors too.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from .. import errors
from ..deadline import DEFAULT_DEADLINE_S
from ..document import Source
from ..errors import EngineUnavailableError, SummarizeError
from ..pipeline.scheduler import DEFAULT_READ_TIMEOUT_S
from ..reading.reader import DEFAULT_PER_HOST
from ..typecheck import Range
from .journal import to_record
from .runner import DEFAULT_WORKERS, BatchOptions

if TYPE_CHECKING:
    from ..desk.duplicates import DuplicateIndex
    from ..pipeline import Pipeline, PipelineSpec

__all__ = ["PipelineActor", "RayOptions", "import_ray", "init_ray", "ray_records", "spread_batches"]

RAY_HINT = "Install it with: pip install 'summarize[ray]'  (or pip install 'ray[data]>=2.9')"


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide a Ray run goes: the ``ray`` batch engine's settings.

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
    workers: Annotated[int, Range(1)] | None = None
    gpus_per_worker: Annotated[float, Range(0)] = 0.0
    cpus_per_worker: Annotated[float, Range(0.1)] = 1.0
    num_cpus: Annotated[int, Range(1)] | None = None


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
        spec: what the driver's pipeline was built from (configuration after any fallback,
            fetch limits, cache folder, the preset asked for and the notes about it: every record
            says the same as with the local engine).
        workers: reader threads in the actor.
        per_host: concurrent requests per host from the actor.
        read_timeout: seconds reading one input may take before it gets an error record.
        deadline: seconds one input may take, reading and model work together.
        duplicates: keep a near-duplicate index for the actor's life: a near-copy of an input this
            actor processed before reuses that input's work (a copy of one another actor had is
            still marked ``duplicate_of`` by the driver, but does its own work).
    """

    def __init__(self, spec: PipelineSpec, workers: int = DEFAULT_WORKERS, per_host: int = DEFAULT_PER_HOST,
                 read_timeout: float = DEFAULT_READ_TIMEOUT_S, deadline: float | None = DEFAULT_DEADLINE_S,
                 duplicates: bool = False) -> None:
        from ..backends.checkpoints import quiet_transformers
        from ..pipeline import Pipeline

        quiet_transformers()
        self.pipeline = Pipeline(spec)
        self.workers = workers
        self.per_host = per_host
        self.read_timeout = read_timeout
        self.deadline = deadline
        self.duplicates: DuplicateIndex | None = None
        if duplicates:
            from ..desk.duplicates import DuplicateIndex

            self.duplicates = DuplicateIndex()

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        """Process one batch of inputs; return their records as JSON strings.

        A run-level failure (a missing model, say) comes back as one row whose ``fatal`` column
        holds the error, for the driver to raise: it is not any one input's fault.
        """
        problems = batch.get("problem", [""] * len(batch["id"]))  # a batch built by hand may leave it out
        sources = [Source(str(v), str(k), id=str(i), lang=str(lang) or None, problem=str(p) or None)
                   for i, v, k, lang, p in zip(batch["id"], batch["value"], batch["kind"], batch["lang"], problems,
                                               strict=True)]
        try:
            records = [json.dumps(to_record(s, o), ensure_ascii=False)
                       for _, s, o in self.pipeline.stream(sources, batch_docs=len(sources), workers=self.workers,
                                                           per_host=self.per_host, read_timeout=self.read_timeout,
                                                           deadline=self.deadline, duplicates=self.duplicates)]
        except SummarizeError as exc:
            fatal = json.dumps({"type": type(exc).__name__, "message": exc.message, "hint": exc.hint})
            return {"record": [""], "fatal": [fatal]}
        return {"record": records, "fatal": [""] * len(records)}


def ray_records(todo: Sequence[Source], pipeline: Pipeline, options: BatchOptions,
                stop: Callable[[], bool] = lambda: False, *,
                duplicates: DuplicateIndex | None = None) -> Iterator[dict[str, Any]]:
    """The ``ray`` batch engine: run the inputs through an actor pool, yield records as they come back.

    The actors rebuild ``pipeline`` from its spec; its loaded models (if any) stay in the driver.
    With ``duplicates`` (the driver's index, which marks every near-copy as records come back),
    each actor also keeps its own index, so a near-copy of an input the same actor processed
    reuses that input's work.

    Raises:
        EngineUnavailableError: Ray is not installed.
        SummarizeError: a run-level failure reported by an actor (re-raised with its class).
    """
    if not todo:
        return
    ray = import_ray()
    ray_options = options.engine_options or RayOptions()
    started_here = init_ray(ray_options)
    try:
        spec = pipeline.spec
        if spec.config.runtime.threads is None:
            spec = spec.with_config(spec.config.with_overrides(threads=max(1, int(ray_options.cpus_per_worker)),
                                                               registry=spec.registry))
        actors = ray_options.workers or _default_workers(ray, ray_options)
        per_batch = spread_batches(len(todo), options.batch_docs, actors)
        batches = -(-len(todo) // per_batch)
        # Ray Data hands whole blocks to actors: one block a batch, or a small run's single block
        # would go to one actor however small its batches
        dataset = ray.data.from_items(
            [{"id": s.id, "value": s.value, "kind": s.kind, "lang": s.lang or "", "problem": s.problem or ""}
             for s in todo],
            override_num_blocks=batches)
        mapped = dataset.map_batches(
            PipelineActor,
            fn_constructor_kwargs={"spec": spec, "workers": options.workers, "per_host": options.per_host,
                                   "read_timeout": options.read_timeout, "deadline": options.deadline,
                                   "duplicates": duplicates is not None},
            batch_size=per_batch, batch_format="numpy",
            # one batch at a time per actor: the first actor up would otherwise queue every batch
            # of a small run while the others are still loading their models
            compute=ray.data.ActorPoolStrategy(size=min(actors, batches), max_tasks_in_flight_per_actor=1),
            num_cpus=ray_options.cpus_per_worker, num_gpus=ray_options.gpus_per_worker or None,
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
