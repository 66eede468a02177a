"""Reading: from a source the user named (a URL, a file, stdin, text, a manifest) to a document.

``fetch`` downloads within limits, ``extract`` turns bytes into a :class:`~summarize.document.Document`
by input format, ``manifest`` expands batch inputs into sources, and :class:`Reader` puts the first
two behind one object with the fetch settings, the transport and the per-host limit.
"""

from .reader import DEFAULT_PER_HOST, HostLimiter, Loaded, Reader

__all__ = ["DEFAULT_PER_HOST", "HostLimiter", "Loaded", "Reader"]
