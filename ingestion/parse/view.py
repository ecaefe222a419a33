"""The normalised view of a document: what the extractor reads, with a map back to the original.

Scraped pages come in many shapes: traditional characters (經濟), pinyin annotations inserted after
characters by converters ("經(jīng)濟(jì)"), junk tokens against scrapers ("heK", "pbY"), text
hard-wrapped at a fixed width with breaks inside words and numbers ("1.\\n37倍"), spaced numbers
("6 . 5%"), the "℅" sign, full-width forms and amounts in words (百分之九, 两千零一十八点一亿元).
Matching runs on one normalised view of all of that; every offset found in the view maps back to
the original text, so evidence is always cut from the original exactly.

Two steps, both linear in the text:
1. a character-for-character fold (full-width → ASCII, traditional → simplified through OpenCC's
   character table, ℅ → %): lengths do not change;
2. edits found by detectors on the folded text (delete an annotation, a junk token or a wrap
   break; replace a spaced number or a numeral in words), applied in one pass that builds the map.
"""

from __future__ import annotations

import bisect
import functools
import re
from array import array
from collections import Counter
from dataclasses import dataclass

from ingestion.parse.charcount import count_cjk
from ingestion.parse.cn_numerals import DIGITS, cn_to_number

CJK_RANGE = "\u3400-\u4dbf\u4e00-\u9fff"

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_PUNCT = {
    "\u3000": " ", "，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "％": "%", "．": ".",
    "－": "-", "～": "~", "﹪": "%", "℅": "%", "–": "—", "―": "—", "‐": "-", "﹣": "-", "\u00a0": " ",
    "︰": ":", "﹔": ";", "﹐": ",",
}


@functools.lru_cache(maxsize=1)
def _t2s_table() -> dict[int, int]:
    """Traditional → simplified, one character for one, from OpenCC's t2s conversion.

    Each character of the CJK blocks is converted on its own line, so no phrase rule applies and
    every result is a single character (a conversion to several characters is skipped). Only
    characters outside GB 2312 (the simplified set) are converted."""
    import opencc

    chars = [chr(c) for c in range(0x3400, 0x4DC0)] + [chr(c) for c in range(0x4E00, 0xA000)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # never seen; then convert nothing rather than misalign
        return {}
    return {ord(a): ord(b) for a, b in zip(chars, converted) if len(b) == 1 and a != b and not _common_simplified(a)}


def _common_simplified(ch: str) -> bool:
    """A character of the first (common) level of GB 2312 stays as written, even where OpenCC
    would map it: it is in everyday simplified use (乾县 is a county, not 干县; 著 is simplified
    too). Rarer simplified-set characters (於, 麽) are folded like traditional ones."""
    try:
        return ch.encode("gb2312")[0] < 0xD8
    except UnicodeEncodeError:
        return False


@functools.lru_cache(maxsize=1)
def _variants() -> dict[int, int]:
    """Variant characters OpenCC does not map (ingestion/rules/characters.yaml)."""
    from ingestion.dictionaries import RULES_DIR
    from ingestion.rulefiles import RulesError, load_rules_file, mapping_of

    path = RULES_DIR / "characters.yaml"
    single = lambda v: None if isinstance(v, str) and len(v) == 1 else "must be one character"  # noqa: E731
    data = load_rules_file(path, {"variants": mapping_of(single)})
    if any(len(k) != 1 for k in data["variants"]):
        raise RulesError(f"{path}: variants: every key must be one character")
    return {ord(k): ord(v) for k, v in data["variants"].items()}


@functools.lru_cache(maxsize=1)
def fold_table() -> dict[int, int | str]:
    table: dict[int, int | str] = dict(_FULLWIDTH)
    table.update({ord(k): v for k, v in _PUNCT.items()})
    table.update(_t2s_table())
    table.update(_variants())
    return table


@functools.lru_cache(maxsize=1)
def _fold_re() -> re.Pattern:
    return re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(fold_table())) + "]")


def fold(text: str) -> str:
    """The character-for-character fold alone (same length as the text).

    (A regex over the characters to fold is faster than str.translate, which looks every
    character up in a dict: most of a simplified text has nothing to fold.)"""
    table = fold_table()
    return _fold_re().sub(lambda m: _as_char(table[ord(m.group(0))]), text)


def _as_char(v: int | str) -> str:
    return v if isinstance(v, str) else chr(v)


# ---------------------------------------------------------------------------------------------
# Detectors: each yields edits (start, end, replacement) on the folded text.
# ---------------------------------------------------------------------------------------------

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# Speed: a pattern that opens with a lookbehind is tried at every position of the text; one that
# opens with a character or a class is found by a fast scan. So the detectors below start with
# what they match, and what must (not) stand before a match is checked on the match
# (`_preceded_by`): no match can start inside a rejected one, so the edits are the same.
CJK_CHAR_RE = re.compile(f"[{CJK_RANGE}]")  # one Chinese character (with Extension A)
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN_RE = re.compile(rf"(?:\((?=[a-z{_TONED}]*[aeiouv{_TONED}])[a-z{_TONED}]{{1,7}}\))+")  # after a CJK character
_LATIN_RUN_RE = re.compile(r"[A-Za-z]+")
_SMALL_THEN_CAPITAL_RE = re.compile(r"[a-z][A-Z]")
_NOT_JUNK = {"kWh", "mAh", "iOS", "eID"}
_SPACED_POINT_RE = re.compile(r"\d([ \t]+\.[ \t]*|\.[ \t]+)(?=\d)")  # group 1: the spaced point
_SPACE_BEFORE_PCT_RE = re.compile(r"\d([ \t]+)%")  # group 1: the space
_CN_NUM = "零〇一二两三四五六七八九十百千万点"
_CN_PERCENT_RE = re.compile(rf"百分之([{_CN_NUM}]+)")
_CN_AMOUNT_RE = re.compile(  # not after a numeral or 第
    rf"([{_CN_NUM}]+)(多|余)?(?=亿元|万元|元|亿美元|万美元|万人|万吨|亿斤|万斤|吨|万亩)"
)
_NOT_BEFORE_AMOUNT_RE = re.compile(f"[{_CN_NUM}第]")
# A year written in numerals: 二〇〇七年, 二00二年 (not after a numeral or a digit).
_CN_YEAR_RE = re.compile(r"([一二][〇零0一二三四五六七八九]{3})年")
_NOT_BEFORE_YEAR_RE = re.compile(r"[〇零一二三四五六七八九\d]")
_YEAR_DIGITS = {"〇": "0", "零": "0", "0": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6",
                "七": "7", "八": "8", "九": "9"}
_SENTENCE_END = "。!?！？"
_HEADING_RE = re.compile(r"\s*(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[)）]|[1-9]\d?[.、](?!\d)|——)")


# A lone symbol inside a word (规上工№业, 工♂业, 总产◣值, 企业ㄨ看): junk scattered against scrapers.
# Letterlike symbols, arrows, technical and geometric shapes, dingbats, bopomofo; not 〇/○ (二○二三年).
_SYMBOL_JUNK_RE = re.compile(  # after a CJK character
    rf"[\u2100-\u214f\u2190-\u23ff\u25a0-\u25ca\u25cc-\u27bf\u2b00-\u2bff"
    rf"\u3105-\u312f\u31a0-\u31bf](?=[{CJK_RANGE}])")


def _preceded_by(text: str, m: re.Match, chars: re.Pattern) -> bool:
    """Does a character of `chars` stand right before the match?"""
    return m.start() > 0 and chars.match(text, m.start() - 1) is not None


def _symbol_edits(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), "") for m in _SYMBOL_JUNK_RE.finditer(text) if _preceded_by(text, m, CJK_CHAR_RE)]


def _pinyin_edits(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), "") for m in _PINYIN_RE.finditer(text) if _preceded_by(text, m, CJK_CHAR_RE)]


def junk_tokens(text: str) -> set[str]:
    """Short Latin tokens with a capital after a small letter, repeated in a Chinese text (heK,
    pbY, vfO): anti-scraping junk. Abbreviations (GDP, CPI), units (GWh) and words do not have
    that shape, so they stay."""
    counts = Counter(tok for tok in _LATIN_RUN_RE.findall(text)
                     if 3 <= len(tok) <= 4 and tok not in _NOT_JUNK and _SMALL_THEN_CAPITAL_RE.search(tok))
    return {tok for tok, n in counts.items() if n >= 2}


def _junk_edits(text: str, junk: set[str]) -> list[tuple[int, int, str]]:
    if not junk:
        return []
    rx = re.compile(r"(?<![A-Za-z])(?:" + "|".join(map(re.escape, sorted(junk))) + r")(?![A-Za-z])")
    return [(m.start(), m.end(), "") for m in rx.finditer(text)]


def _byte_width(line: str) -> int:
    """Width as a GBK-era wrapper counted it: one for ASCII, two for anything else."""
    return 2 * len(line) - len(line.encode("ascii", "ignore"))


def _wrap_edits(original: str, text: str, junk: set[str]) -> list[tuple[int, int, str]]:
    """Breaks of a text hard-wrapped at a fixed width: a line as wide as the wrap width that
    does not end a sentence continues on the next line (inside a word or a number)."""
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", original))
    if len(starts) < 6:
        return []
    junk_rx = re.compile("|".join(map(re.escape, sorted(junk)))) if junk else None
    widths: list[int] = []
    bodies: list[str] = []
    for i, a in enumerate(starts):
        b = starts[i + 1] - 1 if i + 1 < len(starts) else len(original)
        body = original[a:b]
        if junk_rx:
            body = junk_rx.sub("", body)
        body = body.rstrip()
        bodies.append(body)
        widths.append(_byte_width(body))
    long = [w for w in widths if w >= 40]
    if len(long) < 5:
        return []
    # the wrap width: the top of the band of 10 widths that holds the most lines (a wrapper
    # counts bytes, and lines end a little short where a wide character would not fit)
    counts = Counter(long)
    wrap = max(counts, key=lambda w: (sum(counts.get(w - k, 0) for k in range(10)), w))
    band = [i for i, w in enumerate(widths) if w >= 40 and wrap - 9 <= w <= wrap + 1]
    lines = sum(1 for w in widths if w >= 20)
    if wrap < 44 or len(band) < 5 or len(band) < 0.5 * len(long) or len(band) < 0.45 * lines:
        return []  # widths spread out: lines end where their sentences end
    # a wrapper cuts inside words: most full lines end on a character, not on punctuation or a
    # figure (a list of short items of like length ends on "%", "。" or a digit)
    mid_word = sum(1 for i in band if bodies[i] and "\u4e00" <= bodies[i][-1] <= "\u9fff")
    if mid_word < 0.5 * len(band):
        return []
    edits = []
    for i in range(len(starts) - 1):
        body = bodies[i]
        nxt = bodies[i + 1]
        if (wrap - 12 <= widths[i] <= wrap + 1 and body and body[-1] not in _SENTENCE_END
                and not _HEADING_RE.match(nxt)):
            nl = starts[i + 1] - 1
            edits.append((nl, nl + 1, ""))
    return edits


# A line that holds a figure only ("3.5%", "10", "、"): text taken from a PDF's spans puts each
# figure on a line of its own, and breaks words where a span ended ("地区生\n产总值增长\n3.5%\n左右").
_FIGURE_LINE_RE = re.compile(r"[ \t\u3000]*[\d.,%、~\-—]+[ \t\u3000]*")
_CJK_CHAR_RE = re.compile(r"[\u4e00-\u9fff]")


def _span_break_edits(original: str) -> list[tuple[int, int, str]]:
    """Breaks of a text laid out one PDF span per line: where figures stand on lines of their own
    (at least 5 of them, a fifth of the lines), a break next to such a line, or one cutting a line
    inside a word, is no break; one after a sentence's end, or around a heading, stays."""
    lines = original.split("\n")
    if len(lines) < 6:
        return []
    figure_lines = [bool(_FIGURE_LINE_RE.fullmatch(x)) and bool(x.strip()) for x in lines]
    filled = sum(1 for x in lines if x.strip())
    if sum(figure_lines) < 5 or sum(figure_lines) < 0.2 * filled:
        return []
    edits = []
    pos = 0
    for i in range(len(lines) - 1):
        pos += len(lines[i])
        prev, nxt = lines[i].rstrip(), lines[i + 1].lstrip()
        if prev and nxt and prev[-1] not in _SENTENCE_END and (
                figure_lines[i] or figure_lines[i + 1]
                or (len(prev) >= 8 and _CJK_CHAR_RE.match(prev[-1]) and _CJK_CHAR_RE.match(nxt[0])
                    and not _HEADING_RE.match(nxt) and not _HEADING_RE.match(lines[i]))):
            edits.append((pos, pos + 1, ""))
        pos += 1
    return edits


_STOP_AS_POINT_RE = re.compile(r"。(?<=\d。)(?=\d{1,4}\s*(?:%|亿|万|元|个百分点|倍))")  # opens with 。: a fast scan


def _number_edits(text: str) -> list[tuple[int, int, str]]:
    # a decimal point typed as a full stop (增长9。5%, 373。15亿元)
    edits = [(m.start(), m.end(), ".") for m in _STOP_AS_POINT_RE.finditer(text)]
    edits += [(m.start(1), m.end(1), ".") for m in _SPACED_POINT_RE.finditer(text)]
    edits += [(m.start(1), m.end(1), "") for m in _SPACE_BEFORE_PCT_RE.finditer(text)]
    for m in _CN_PERCENT_RE.finditer(text):
        value = cn_to_number(m.group(1))
        if value is not None:
            edits.append((m.start(), m.end(), f"{value:g}%"))
    for m in _CN_AMOUNT_RE.finditer(text):
        if _preceded_by(text, m, _NOT_BEFORE_AMOUNT_RE):
            continue
        value = cn_to_number(m.group(1))
        # 百亿元项目, 千万元以上: a size class, not an amount; an amount has a digit (or 十);
        # 二元结构 is no amount either: a bare 元 needs a numeral of three characters or more
        num, unit_start = m.group(1), text[m.end() : m.end() + 1]  # (多/余: a floor, kept as its number)
        if unit_start == "元" and len(num) < 3:
            continue
        if value is not None and (num[0] == "十" or any(c in DIGITS for c in num)):
            edits.append((m.start(), m.end(), f"{value:g}" if value < 1e15 else m.group(1)))
    for m in _CN_YEAR_RE.finditer(text):
        if _preceded_by(text, m, _NOT_BEFORE_YEAR_RE):
            continue
        year = "".join(_YEAR_DIGITS[c] for c in m.group(1))
        if 1900 <= int(year) <= 2099:
            edits.append((m.start(), m.start() + 4, year))
    return edits


# ---------------------------------------------------------------------------------------------
# The view
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextView:
    """`text` is the normalised view of `original`; `to_original` maps a span of the view back.

    The map is the list of edits, in view order: edit k replaced the original span
    `orig_a[k]:orig_b[k]` by the view span `view_a[k]:view_b[k]` (empty for a deletion). A view
    character inside a replacement maps to the whole original piece; any other maps one for one,
    shifted by the edits before it. Memory and build time follow the number of edits, not the
    length of the text; a lookup is a binary search."""

    original: str
    text: str
    view_a: array
    view_b: array
    orig_a: array
    orig_b: array
    script: str  # simplified | traditional | garbled: what the page was written in

    def _span_of(self, i: int) -> tuple[int, int]:
        """The original span view character i came from."""
        k = bisect.bisect_right(self.view_a, i) - 1
        if k < 0:
            return i, i + 1
        if i < self.view_b[k]:
            return self.orig_a[k], self.orig_b[k]
        shift = self.orig_b[k] - self.view_b[k]
        return i + shift, i + shift + 1

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            pos = self.orig_pos(start)
            return pos, pos
        return self._span_of(start)[0], self._span_of(end - 1)[1]

    def orig_pos(self, i: int) -> int:
        return self._span_of(i)[0] if i < len(self.text) else len(self.original)

    @property
    def identity(self) -> bool:
        return len(self.text) == len(self.original) and self.text == self.original


def build_view(original: str) -> TextView:
    """The normalised view of a document's text, with its offset map (linear in the text)."""
    folded = fold(original)
    junk = junk_tokens(folded)
    symbols = _symbol_edits(folded)
    edits = _pinyin_edits(folded) + _junk_edits(folded, junk) + _wrap_edits(original, folded, junk)
    edits += _span_break_edits(original)
    edits += _number_edits(folded) + symbols
    edits.sort(key=lambda e: (e[0], -e[1]))
    parts: list[str] = []
    view_a, view_b, orig_a, orig_b = array("q"), array("q"), array("q"), array("q")
    pos = 0  # in the original
    vpos = 0  # in the view
    for a, b, repl in edits:
        if a < pos:  # overlaps an earlier edit: the earlier (or longer) one wins
            continue
        parts.append(folded[pos:a])
        vpos += a - pos
        parts.append(repl)
        view_a.append(vpos)
        vpos += len(repl)
        view_b.append(vpos)
        orig_a.append(a)
        orig_b.append(b)
        pos = b
    parts.append(folded[pos:])
    text = "".join(parts)
    pinyin = sum(1 for e in edits if e[2] == "" and original[e[0]:e[0] + 1] == "(")
    junk_kinds = len(junk) + (1 if len(symbols) >= 3 else 0)
    return TextView(original, text, view_a, view_b, orig_a, orig_b, _script(original, pinyin, junk_kinds))


SCRIPT_SAMPLE = 20_000  # characters read to tell the script: enough, and bounded


@functools.lru_cache(maxsize=1)
def _traditional_re() -> re.Pattern:
    return re.compile("[" + "".join(chr(c) for c in sorted(_t2s_table())) + "]")


def _script(original: str, pinyin_marks: int, junk_kinds: int) -> str:
    """simplified, traditional or garbled (pinyin annotations, junk tokens or symbols)."""
    if pinyin_marks >= 3 or junk_kinds:
        return "garbled"
    sample = original[:SCRIPT_SAMPLE]
    cjk = count_cjk(sample)
    if not cjk:
        return "simplified"
    return "traditional" if len(_traditional_re().findall(sample)) / cjk >= 0.03 else "simplified"
