"""Which characters a rule's pattern cannot match without: a check that skips a pattern on a
sentence in a set lookup, instead of a regex scan.

Each sentence is tried against many patterns of the rules (17 period forms alone). Most of them
cannot match most sentences, and starting a scan costs about as much as the scan of a short
sentence. From the pattern's parse tree we compute a set of characters of which every match
holds at least one (季 for 一季度; 月 or a digit for 1-9月); a sentence holding none of them is
skipped. The check is exact: it only skips what could not match. A pattern for which no such
set exists (one that may match any character) is always tried.

This reads CPython's own regex parser (`re._parser`, Python 3.11), the one `re.compile` uses.
"""

from __future__ import annotations

import functools
import re
import sys
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

MAX_CLASS = 4096  # a character range wider than this is not worth a set: the pattern is always tried


@functools.lru_cache(maxsize=1)
def _decimal_digits() -> frozenset[str]:
    """What \\d matches in a str pattern: every Unicode decimal digit (category Nd)."""
    return frozenset(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isdecimal())


Needed = tuple[frozenset[str], ...]  # every set must be met: a match holds a character of each
MAX_SETS = 4  # the smallest sets are kept: checking more costs more than it saves


def needed_chars(pattern: re.Pattern) -> Needed:
    """Sets of characters such that every match of `pattern` holds at least one character of
    each set (一季度: {一}, {季}, {度}); () when nothing can be said (the pattern may match any
    character, or nothing)."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE) or isinstance(pattern.pattern, bytes):
        return ()
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # a pattern compile() took but this parser cannot read: never skip it
        return ()
    return tuple(sorted(set(_of_sequence(tree)), key=len)[:MAX_SETS])


def _of_sequence(items) -> list[frozenset[str]]:
    out: list[frozenset[str]] = []
    for op, av in items:
        out += _of_item(op, av)
    return out


def _of_item(op, av) -> list[frozenset[str]]:
    if op is C.LITERAL:
        return [frozenset(chr(av))]
    if op is C.IN:
        found = _of_class(av)
        return [found] if found else []
    if op is C.SUBPATTERN:
        return _of_sequence(av[-1])
    if op is C.ATOMIC_GROUP:
        return _of_sequence(av)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _high, item = av
        return _of_sequence(item) if low >= 1 else []
    if op is C.BRANCH:  # one set: each branch's smallest set, together
        out: set[str] = set()
        for branch in av[1]:
            found = _of_sequence(branch)
            if not found:
                return []
            out |= min(found, key=len)
        return [frozenset(out)]
    return []  # anchors, lookarounds, backreferences, any character, a negated literal


def _of_class(items) -> frozenset[str] | None:
    out: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            out.add(chr(av))
        elif op is C.RANGE:
            low, high = av
            if high - low > MAX_CLASS:
                return None
            out.update(chr(c) for c in range(low, high + 1))
        elif op is C.CATEGORY and av is C.CATEGORY_DIGIT:
            out |= _decimal_digits()
        else:  # a negated class, \s, \w and the like
            return None
    return frozenset(out)


def may_match(needed: Needed, chars: frozenset[str] | set[str]) -> bool:
    """Can a pattern needing `needed` match a text made of `chars`?"""
    for one_of in needed:
        if one_of.isdisjoint(chars):
            return False
    return True
