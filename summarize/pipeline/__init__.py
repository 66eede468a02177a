"""The pipeline: a frozen spec, the scheduler that overlaps reading with model work, the stages.

``spec`` is the value a pipeline is built from, ``scheduler`` streams sources through a read
function and a process function, ``translate`` translates whole documents sentence by sentence
around glossary terms, and ``core`` holds :class:`Pipeline` itself.
"""

from .core import Pipeline, summarize
from .spec import PipelineSpec

__all__ = ["Pipeline", "PipelineSpec", "summarize"]
