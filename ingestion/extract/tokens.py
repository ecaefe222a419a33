"""jieba, loaded with our own dictionaries."""

from __future__ import annotations

import functools
import logging

from ingestion import dictionaries
from ingestion.extract.rules import rules

Token = tuple[str, int, int]  # (word, start, end) in the sentence


@functools.lru_cache(maxsize=1)
def tokenizer():
    """A jieba tokenizer of its own (not the global one), with our names as user words."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    d = dictionaries.load()
    for name in list(d.aliases) + list(d.groups):
        tok.add_word(name, freq=2_000_000, tag="ind")
    for name in d.region_names | d.short_region_names:
        tok.add_word(name, freq=200_000, tag="ns")
    for head in rules().contextual_heads:
        tok.add_word(head, freq=50_000)
    return tok


@functools.lru_cache(maxsize=1)
def pos_tokenizer():
    import jieba.posseg

    return jieba.posseg.POSTokenizer(tokenizer())


def segment(text: str) -> list[Token]:
    """jieba tokens with offsets."""
    return list(tokenizer().tokenize(text))
