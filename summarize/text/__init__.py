"""Text: language identification, sentences and batching, protected spans, glossaries.

Pure functions and small objects that know nothing of engines or pipelines.
"""
