"""jieba, loaded with our own dictionaries, and the windows of a sentence worth segmenting."""

from __future__ import annotations

import functools
import logging

from ingestion import dictionaries
from ingestion.extract.rules import Rules, rules

Token = tuple[str, int, int]  # (word, start, end) in the sentence

# How far before a figure, rank or qualitative phrase its subject may stand (in characters).
WINDOW = 48


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


def segment_signal_parts(s: str, R: Rules) -> list[Token]:
    """Segment only the text around what can hold a fact: up to WINDOW characters before each
    figure, rank or qualitative phrase, never across a semicolon (a figure never takes its subject
    across one). Most of a report's text is never segmented, which keeps extraction cheaper than
    segmenting everything (benchmarks/)."""
    windows: list[list[int]] = []
    last_semicolon = -1
    for m in R.has_candidate_re.finditer(s):
        # the last ';' before the figure, found by scanning forward once (linear in the sentence)
        nxt = s.find(";", last_semicolon + 1, m.start())
        while nxt != -1:
            last_semicolon = nxt
            nxt = s.find(";", last_semicolon + 1, m.start())
        lo = max(0, m.start() - WINDOW, last_semicolon + 1)
        hi = m.end()
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    out: list[Token] = []
    for lo, hi in windows:
        out.extend((w, a + lo, b + lo) for w, a, b in segment(s[lo:hi]))
    return out
