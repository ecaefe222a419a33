"""Decode text bytes: UTF-8 (BOM or not), UTF-16 (BOM, or by its NUL pattern), GB18030 or Big5.

GB18030 and Big5 share their byte ranges, so a Big5 file usually "decodes" as GB18030 too, into
rare characters: both decodings are scored by the share of their Han characters that are common
ones (GB2312 for GB18030, Big5 level 1 for Big5) and the more plausible one wins. A decoding whose
text is mostly rare characters is refused.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingestion.readers.errors import UnreadableFile

# File signatures of formats that are not text, named in the reason of the refusal.
MAGIC = [
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"), (b"\x7fELF", "an executable"), (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"), (b"\xd0\xcf\x11\xe0", "an old-style Office file (.doc/.xls)"),
    (b"MZ", "a Windows executable"),
]
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ue000-\uf8ff]")


def _is_common_gb(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _is_common_big5(ch: str) -> bool:
    try:
        b = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xA4 <= b[0] <= 0xC6  # Big5 level 1: the frequently used characters


def plausibility(text: str, encoding: str) -> float:
    """Share of the Han characters of `text` that are common in `encoding`'s character set
    (1.0 when there is no Han character)."""
    han = _HAN.findall(text)
    if not han:
        return 1.0
    test = _is_common_big5 if encoding.lower() in ("big5", "cp950", "big5hkscs") else _is_common_gb
    sample = han if len(han) <= 20000 else han[:: len(han) // 20000 + 1]
    return sum(1 for c in sample if test(c)) / len(sample)


def _truncated(e: UnicodeDecodeError, size: int) -> bool:
    return e.start >= size - 4 and ("incomplete" in e.reason or "unexpected end" in e.reason)


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the NUL bytes fall on one side of the byte pairs, as they do in
    UTF-16 text with ASCII in it; None otherwise."""
    if len(data) < 4 or len(data) % 2:
        return None
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    pairs = len(data) // 2
    if odd >= pairs * 0.05 and even <= pairs * 0.01:
        return "utf-16-le"
    if even >= pairs * 0.05 and odd <= pairs * 0.01:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, path: Path | str = "<bytes>") -> str:
    """Decode text bytes: BOMs first, then UTF-8, UTF-16 by its NUL pattern, then GB18030 or
    Big5, whichever is more plausible. Raises UnreadableFile with the reason."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as e:
            if _truncated(e, len(data) - 3):
                raise UnreadableFile(path, "the text is truncated: the file ends in the middle of a "
                                           "UTF-8 character") from None
            raise UnreadableFile(path, f"the file starts as UTF-8 but byte {e.start + 3} is not "
                                       "UTF-8: the text is damaged") from None
    utf16 = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        utf16 = "utf-16"
    elif b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise UnreadableFile(path, "the file holds NUL bytes: it is binary, not text")
    if utf16:
        if len(data) % 2:
            raise UnreadableFile(path, "the text is truncated: a UTF-16 file with an odd number of bytes")
        try:
            return data.decode(utf16)
        except UnicodeDecodeError as e:
            if _truncated(e, len(data)):
                raise UnreadableFile(path, "the text is truncated: the file ends in the middle of "
                                           "a UTF-16 character") from None
            raise UnreadableFile(path, "the file looks like UTF-16 but does not decode as it") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        if _truncated(e, len(data)):
            try:
                data[: e.start].decode("utf-8")
                raise UnreadableFile(path, "the text is truncated: the file ends in the middle of "
                                           "a UTF-8 character") from None
            except UnicodeDecodeError:
                pass
    candidates: list[tuple[float, str, str]] = []
    truncated = False
    for enc in ("gb18030", "big5", "cp950"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as e:
            truncated = truncated or (enc == "gb18030" and _truncated(e, len(data)))
            continue
        candidates.append((plausibility(text, enc), enc, text))
    if not candidates:
        if truncated:
            raise UnreadableFile(path, "the text is truncated: the file ends in the middle of a "
                                       "GB18030 character")
        raise UnreadableFile(
            path, "the text is in no encoding we know (tried UTF-8, UTF-16, GB18030, Big5)"
        )
    score, enc, text = max(candidates, key=lambda c: c[0])
    if score < 0.6 and len(_HAN.findall(text)) >= 20:
        raise UnreadableFile(
            path, f"the text does not decode to readable Chinese in any encoding we know (best: "
                  f"{enc}, {score:.0%} common characters): it is binary or garbled",
        )
    return text
