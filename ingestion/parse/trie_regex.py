"""One regular expression for many words, factored as a trie (咸(?:宁市?|安区)…).

Python's `re` tries the alternatives of `a|b|c…` one by one at every position; with thousands of
place names that is most of a document's parse time. Factored by common prefixes, each position
costs a walk down one branch. Matches are the same as the plain alternation's with the longest
word first (a longer word always wins over its prefix).
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def trie_pattern(words: Iterable[str]) -> str:
    trie: dict = {}
    for w in set(words):
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True
    return _node_pattern(trie) or r"(?!x)x"


def _node_pattern(node: dict) -> str:
    ends_here = "" in node
    branches = [re.escape(ch) + _node_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    if len(branches) == 1 and not ends_here:
        return branches[0]
    body = "(?:" + "|".join(branches) + ")"
    return body + "?" if ends_here else body
