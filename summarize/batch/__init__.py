"""Batch runs: many inputs, one JSONL record each, resumable, locally or on Ray.

``runner`` decides what to do and writes the records (:func:`run_batch`), ``journal`` is the
crash-safe output file, and the batch engines (``local``, ``ray``, listed in
:mod:`summarize.registry`) do the model work.
"""

from .ray import RayOptions
from .runner import EXIT_SOME_FAILED, BatchOptions, BatchSummary, engine_options, run_batch

__all__ = ["EXIT_SOME_FAILED", "BatchOptions", "BatchSummary", "RayOptions", "engine_options", "run_batch"]
