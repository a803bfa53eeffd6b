"""Corpus scale: stream, extract (serially or on Dask), merge and store tens of thousands of articles."""

from __future__ import annotations

__all__ = ["extract_corpus", "iter_articles", "read_corpus_table", "merge_rows", "generate"]


def __getattr__(name: str):  # lazy: pandas and dask load only when used
    if name == "extract_corpus":
        from geomap.corpus.run import extract_corpus

        return extract_corpus
    if name == "iter_articles":
        from geomap.corpus.reader import iter_articles

        return iter_articles
    if name == "read_corpus_table":
        from geomap.corpus.store import read_corpus_table

        return read_corpus_table
    if name == "merge_rows":
        from geomap.corpus.merge import merge_rows

        return merge_rows
    if name == "generate":
        from geomap.corpus.synth import generate

        return generate
    raise AttributeError(name)
