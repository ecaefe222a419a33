"""Read a report file into text: plain text, HTML, Word .docx or PDF with a text layer.

    read_text(path, max_bytes)   the document text, line ends `\\n`; raises UnreadableFile
    read_bytes(data, name)       the same for bytes already in memory (HTTP bodies)

The format is chosen by sniffing the first bytes (`%PDF-`, a ZIP holding `word/document.xml`, an
HTML start tag) and then by the file suffix, so a `.txt` that is really HTML is read as HTML and
a PDF without `.pdf` is still a PDF.

Text encodings: UTF-8 with or without BOM, UTF-16 (with BOM, or without one when the NUL pattern
shows it), GB18030/GBK/GB2312 and Big5. GB18030 and Big5 share their byte ranges, so a Big5 file
usually "decodes" as GB18030 too, into rare characters: both decodings are scored by the share of
their Han characters that are common ones (GB2312 for GB18030, Big5 level 1 for Big5) and the
more plausible one wins. A decoding whose text is mostly rare characters is refused.

Everything unusable becomes an `UnreadableFile` whose `reason` says why in plain words: empty,
only whitespace, binary, NUL bytes, truncated or undecodable text, a damaged .docx or PDF, a PDF
without a text layer, an HTML page with no text left once scripts, styles, navigation and footers
are dropped, or a file over the size limit.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from contracts.settings import max_bytes_from_env

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
DOCX_SUFFIXES = (".docx",)
PDF_SUFFIXES = (".pdf",)
REPORT_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + DOCX_SUFFIXES + PDF_SUFFIXES


class UnreadableFile(Exception):
    """A file that cannot become a document; the message says which and why, in plain words."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


# ------------------------------------------------------------------------------------- encodings

_MAGIC = [
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"), (b"\x7fELF", "an executable"), (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"), (b"\xd0\xcf\x11\xe0", "an old-style Office file (.doc/.xls)"),
    (b"MZ", "a Windows executable"),
]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
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


def _check_text(text: str, path: Path | str, what: str = "the text") -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if "\x00" in text:
        raise UnreadableFile(path, "the file holds NUL bytes: it is binary, not text")
    controls = len(_CONTROL.findall(text))
    if controls > max(3, len(text) // 200):
        raise UnreadableFile(
            path, f"{what} is full of control characters ({controls} of {len(text)}): it is binary, "
                  "not text",
        )
    if not text.strip():
        raise UnreadableFile(path, f"no text is left after decoding {what}")
    return text


# ------------------------------------------------------------------------------------------ HTML

_DROP_TAGS = {
    "script", "style", "noscript", "template", "nav", "aside", "form", "iframe", "svg", "button",
    "select", "textarea", "menu", "head", "object", "embed", "canvas", "video", "audio", "link",
    "meta",
}
_BOILER_ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "complementary"}
_BOILER_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|crumbs?|footer|foot|sidebar|sidenav|"
    r"share|toolbar|banner|copyright|related|comments?|ads?|advert|skip|topbar|bottom)(?:$|[\s_-])",
    re.I,
)
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "main", "pre", "blockquote", "dd", "dt", "dl", "hr", "header", "footer",
    "center", "tbody", "thead", "tfoot", "caption", "figure", "figcaption", "address", "body",
}
_CJK_CHAR = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
_CJK_BREAK = re.compile(rf"(?<={_CJK_CHAR})\s*\n\s*(?={_CJK_CHAR})")


def _inside(el, tags: tuple[str, ...]) -> bool:
    p = el.getparent()
    while p is not None:
        if isinstance(p.tag, str) and p.tag.lower() in tags:
            return True
        p = p.getparent()
    return False


def _is_boilerplate(el) -> bool:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in _DROP_TAGS:
        return True
    if tag in ("header", "footer") and not _inside(el, ("article", "main")):
        return True
    if (el.get("role") or "").lower() in _BOILER_ROLES:
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    names = " ".join(filter(None, (el.get("id"), el.get("class"))))
    if names and tag not in ("body", "html", "article", "main") and _BOILER_CLASS.search(names):
        return True
    return False


def _link_dense(el) -> bool:
    """A block that is mostly link text and no sentence: a menu, a list of related links."""
    text = "".join(el.itertext()).strip()
    if not text:
        return False
    links = "".join("".join(a.itertext()) for a in el.iter("a")).strip()
    return len(links) >= 0.7 * len(text) and not re.search(r"[。!?！？;；]", text)


def html_main_text(html: str) -> str:
    """The main text of an HTML page: scripts, styles, navigation, headers/footers outside the
    article, hidden and link-dense blocks dropped; one line per block element."""
    from lxml import etree
    from lxml import html as lhtml

    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)  # lxml refuses str input with an encoding decl.
    if not html.strip():
        return ""
    try:
        root = lhtml.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        el.drop_tree() if hasattr(el, "drop_tree") else el.getparent().remove(el)
    drop = [el for el in root.iter() if isinstance(el.tag, str) and _is_boilerplate(el)]
    for el in drop:
        if el.getparent() is not None:
            el.drop_tree()
    for el in [e for e in root.iter("ul", "ol", "div", "p", "table") if _link_dense(e)]:
        if el.getparent() is not None:
            el.drop_tree()

    out: list[str] = []

    def inline(s: str) -> str:  # whitespace in the HTML source: a line break between CJK is none
        return re.sub(r"\s+", " ", _CJK_BREAK.sub("", s))

    def walk(el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        block = tag in _BLOCK_TAGS
        if tag == "pre":
            out.append("\n" + "".join(el.itertext()) + "\n")
            if el.tail:
                out.append(inline(el.tail))
            return
        if block:
            out.append("\n")
        if el.text:
            out.append(inline(el.text))
        for child in el:
            walk(child)
        if tag in ("td", "th"):
            out.append(" ")
        if block:
            out.append("\n")
        if el.tail:
            out.append(inline(el.tail))

    body = root.find("body")
    walk(body if body is not None else root)
    text = "".join(out)
    text = text.replace("\xa0", " ")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", ln).strip() for ln in text.split("\n")]
    text = "\n".join(ln for ln in lines if ln)
    return text


def _looks_like_html(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:512].lower()
    if head.startswith(("<!doctype html", "<html")):
        return True
    return head.startswith("<?xml") and "<html" in text[:4096].lower()


# ---------------------------------------------------------------------------------- docx and PDF


def docx_text(data: bytes, path: Path | str = "<bytes>") -> str:
    """Paragraphs and table rows of a Word .docx, in document order, one per line."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - python-docx raises many kinds on damaged files
        raise UnreadableFile(path, f"the Word .docx is damaged or truncated ({type(e).__name__})") from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for c in row.cells:
                    t = c.text.strip()
                    if t and (not cells or cells[-1] != t):  # merged cells repeat their text
                        cells.append(t)
                if cells:
                    lines.append(" ".join(cells))
        else:
            lines.append(block.text)
    return "\n".join(lines)


_PDF_SENT_END = "。!?！？;；:：”」』)）"


def _join_pdf_lines(page: str) -> str:
    """Undo the line wrapping of a PDF page: a line that is as long as the page's long lines and
    does not end a sentence goes on in the next line."""
    lines = page.split("\n")
    if len(lines) < 2:
        return page
    lengths = sorted(len(ln.rstrip()) for ln in lines if ln.strip())
    if not lengths:
        return page
    full = lengths[int(len(lengths) * 0.9) - 1 if len(lengths) >= 10 else -1]
    out = [lines[0]]
    last = lines[0].rstrip()  # the previous physical line (not what it was joined into)
    for ln in lines[1:]:
        if last and len(last) >= full * 0.85 and last[-1] not in _PDF_SENT_END and ln.strip():
            out[-1] = out[-1].rstrip() + ln.lstrip()
        else:
            out.append(ln)
        last = ln.rstrip()
    return "\n".join(out)


def pdf_text(data: bytes, path: Path | str = "<bytes>") -> str:
    """The text layer of a PDF, page by page, with wrapped lines joined."""
    import logging

    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile(path, "the PDF is encrypted with a password")
        pages = [p.extract_text() or "" for p in reader.pages]
    except UnreadableFile:
        raise
    except Exception as e:  # noqa: BLE001 - pypdf raises many kinds on damaged files
        raise UnreadableFile(path, f"the PDF is damaged or truncated ({type(e).__name__}: {e})"[:300]) from None
    text = "\n".join(_join_pdf_lines(p) for p in pages)
    if not text.strip():
        raise UnreadableFile(
            path, f"the PDF has no text layer ({len(pages)} page(s) of images?): it would need OCR"
        )
    return text


# ------------------------------------------------------------------------------------- dispatch


def sniff_format(data: bytes, name: str = "") -> str:
    """'pdf', 'docx', 'html' or 'text' from the first bytes, then the suffix of `name`."""
    suffix = Path(name).suffix.lower()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in DOCX_SUFFIXES:
        return "docx"
    return "text"


def read_bytes(data: bytes, name: Path | str = "<bytes>") -> str:
    """The document text of file content `data` (named `name` in messages and for its suffix)."""
    if not data.strip():
        raise UnreadableFile(name, "the file is empty or holds only whitespace")
    fmt = sniff_format(data, str(name))
    if fmt == "pdf":
        return _check_text(pdf_text(data, name), name, "the PDF text")
    if fmt == "docx":
        if data.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as z:
                    if "word/document.xml" not in z.namelist():
                        raise UnreadableFile(name, "a ZIP archive that is not a Word .docx document")
            except zipfile.BadZipFile:
                raise UnreadableFile(name, "the Word .docx is damaged or truncated (not a readable "
                                           "ZIP archive)") from None
        else:
            raise UnreadableFile(name, "named .docx but it is not a Word .docx document (no ZIP header)")
        text = docx_text(data, name)
        if not text.strip():
            raise UnreadableFile(name, "the Word document holds no text")
        return _check_text(text, name, "the Word document")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnreadableFile(name, f"the file is {what}, not text")
    text = decode_bytes(data, name)
    if fmt == "html" or _looks_like_html(text):
        _check_text(text, name, "the HTML")
        main = html_main_text(text)
        if not main.strip():
            raise UnreadableFile(name, "no text is left once the HTML page's scripts, styles, "
                                       "navigation and footers are dropped")
        return _check_text(main, name, "the HTML main text")
    return _check_text(text, name)


def read_text(path: Path, max_bytes: int | None = None) -> str:
    """The file's text with line ends made `\\n`; raises UnreadableFile for unusable input.

    max_bytes: the size limit (default $GWR_MAX_BYTES, else 20 MB)."""
    path = Path(path)
    limit = max_bytes_from_env() if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFile(path, f"cannot be opened ({exc.strerror})") from exc
    if size > limit:
        raise UnreadableFile(path, f"the file is {size} bytes, over the size limit of {limit} bytes")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(path, f"cannot be read ({exc.strerror})") from exc
    return read_bytes(data, path)
