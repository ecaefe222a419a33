"""Read a report file into text. Decoding problems become a clear `UnreadableFile`."""

from __future__ import annotations

from pathlib import Path

MAX_BYTES_DEFAULT = 20 * 1024 * 1024


class UnreadableFile(Exception):
    """A file that cannot become a document; the message says which and why, in plain words."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def decode_bytes(data: bytes, path: Path | str = "<bytes>") -> str:
    """Decode report bytes: BOMs first, then UTF-8, then the Chinese legacy encodings."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for enc in ("gb18030", "big5"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(path, "the text is in no encoding we know (tried UTF-8, UTF-16, GB18030, Big5)")


def read_text(path: Path, max_bytes: int = MAX_BYTES_DEFAULT) -> str:
    """The file's text with line ends made `\\n`; raises UnreadableFile for unusable input."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFile(path, f"cannot be opened ({exc.strerror})") from exc
    if size > max_bytes:
        raise UnreadableFile(path, f"it is {size} bytes, over the limit of {max_bytes}")
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFile(path, "the file is empty or holds only whitespace")
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(path, "the file holds NUL bytes: it is binary, not text")
    text = decode_bytes(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableFile(path, "no text is left after decoding")
    return text
