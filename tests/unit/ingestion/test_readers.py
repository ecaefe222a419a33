"""ingestion.readers: every encoding, HTML, .docx and PDF read from real report text; unusable files
refused with the reason in plain words."""

from __future__ import annotations

import pytest
from _documents import GDP_SENTENCE, NOTICE, _html_page, _make_docx, _make_pdf, _text

from ingestion.readers import UnreadableFile, decode_bytes, html_main_text, read_bytes, read_text


def test_read_text_decodes_gb18030_and_utf16(tmp_path):
    text = NOTICE.read_text(encoding="utf-8")
    for enc in ("gb18030", "utf-16", "utf-8-sig"):
        p = tmp_path / f"n-{enc}.txt"
        p.write_bytes(text.encode(enc))
        assert read_text(p) == text

@pytest.mark.parametrize("content,reason", [(b"", "empty"), (b"  \n\t ", "whitespace"), (b"ab\x00cd", "NUL")])
def test_read_text_refuses_bad_input_naming_the_file(tmp_path, content, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(UnreadableFile) as exc:
        read_text(p)
    assert "bad.txt" in str(exc.value) and reason in str(exc.value)


S2T = str.maketrans("业个产亿会区总点环规计费资长预额", "業個產億會區總點環規計費資長預額")

@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_decode_corpus_text_in_each_encoding(enc):
    text = _text(NOTICE)
    assert decode_bytes(text.encode(enc)) == text

def test_big5_is_told_apart_from_gb18030():
    # Big5 bytes also "decode" as GB18030 (into rare characters): the plausibility score decides.
    excerpt = _text(NOTICE)[_text(NOTICE).index("1.地区"):][:300]
    traditional = excerpt.translate(S2T)
    data = traditional.encode("big5")
    assert data.decode("gb18030") != traditional  # the trap
    assert decode_bytes(data) == traditional
    assert decode_bytes(traditional[:30].encode("big5")) == traditional[:30]
    assert decode_bytes(excerpt.encode("gb18030")) == excerpt

@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\t \r\n", "whitespace"),
    ("nul.txt", "地区生产总值".encode() + b"\x00\x01" + "增长".encode() + b"\x00", "NUL"),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(1, 256)) * 4, "PNG"),
    ("cut.txt", "地区生产总值增长8%左右".encode("utf-8")[:-1], "truncated"),
    ("cut-gb.txt", "地区生产总值增长百分之八左右".encode("gb18030")[:-1], "truncated"),
    ("garbled.txt", bytes([0x80, 0xFF, 0xFE, 0x81, 0x30]) * 50, "encoding"),
    ("nav.html", b"<html><head><script>var x=1</script><style>p{}</style></head><body>"
                 b"<nav><a href='/'>home</a></nav><footer>copyright</footer></body></html>", "HTML"),
    ("broken.docx", b"PK\x03\x04" + b"\x00" * 20, "docx"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj <<", "PDF"),
])
def test_bad_input_is_refused_in_plain_words(tmp_path, name, data, reason):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(UnreadableFile) as info:
        read_text(p)
    assert reason.lower() in info.value.reason.lower(), info.value.reason
    assert name in str(info.value)

def test_size_limit_from_argument_and_environment(tmp_path, monkeypatch):
    p = tmp_path / "big.txt"
    p.write_text(_text(NOTICE), encoding="utf-8")
    with pytest.raises(UnreadableFile, match="over the size limit of 1000 bytes"):
        read_text(p, max_bytes=1000)
    monkeypatch.setenv("GWR_MAX_BYTES", "2K")
    with pytest.raises(UnreadableFile, match="over the size limit of 2048 bytes"):
        read_text(p)
    monkeypatch.setenv("GWR_MAX_BYTES", "20M")
    assert read_text(p) == _text(NOTICE)

def test_html_keeps_main_text_only():
    paras = [p for p in _text(NOTICE).split("\n") if p.strip()]
    main = html_main_text(_html_page(paras))
    assert GDP_SENTENCE in main
    for boiler in ("99%", "网站导航", "首页", "版权所有", "分享到:微信", "console", "color:red", "门户网站"):
        assert boiler not in main, boiler
    assert main.split("\n") == [" ".join(p.split()) for p in paras]

def test_html_in_gb18030_with_line_breaks_in_the_source():
    page = _html_page(["1.地区生产总值增长8%左右。1-9月,完成地区生产总值\n1321.29亿元,比上\n年同期增长4.4%。"])
    text = read_bytes(page.encode("gb18030"), "page.html")
    assert "比上年同期增长4.4%" in text

def test_docx_and_pdf_are_read_and_parsed(tmp_path):
    from ingestion.pipeline import parse_path

    text = _text(NOTICE)
    _make_docx(tmp_path / "notice.docx", text)
    _make_pdf(tmp_path / "notice.pdf", text)
    dtext = read_text(tmp_path / "notice.docx")
    assert GDP_SENTENCE in dtext and "表格 地区生产总值" in dtext
    ptext = read_text(tmp_path / "notice.pdf")
    assert GDP_SENTENCE in ptext  # wrapped lines joined again
    for name in ("notice.docx", "notice.pdf"):
        doc = parse_path(tmp_path / name)[0]
        assert (doc.document.region, doc.document.year) == ("咸宁市", 2022)
        gdp = {(f.kind, f.measure, f.value) for f in doc.facts if f.indicator == "gdp"}
        assert ("target", "growth_pct", 8.0) in gdp and ("actual", "growth_pct", 4.4) in gdp, name

def test_pdf_without_text_layer_is_refused(tmp_path):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "scan.pdf"))
    c.rect(100, 100, 300, 300, fill=1)
    c.save()
    with pytest.raises(UnreadableFile, match="no text layer"):
        read_text(tmp_path / "scan.pdf")
