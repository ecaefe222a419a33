"""Real report text in the forms the readers meet: an HTML page with navigation and footers, a Word
.docx, a PDF with a CJK text layer (reportlab's CID font STSong-Light needs no font file)."""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "sample_corpus"
NOTICE = CORPUS / "000_500ad30c4c1f596f.txt"  # 咸宁市 2022 三季度进展通报
DAYE = CORPUS / "004_6e630300c27251eb.txt"  # 大冶市 2022
SMALL_CORPUS = ("000_500ad30c4c1f596f.txt", "001_d7344a832e05616a.txt")
"""The two sample reports of the shared small warehouse (咸宁市 2022 Q3 and 2021 Q1 notices)."""
GDP_SENTENCE = "1.地区生产总值增长8%左右。1-9月,完成地区生产总值1321.29亿元,比上年同期增长4.4%,全省排名第13位。"


def _text(p: Path) -> str:
    return p.read_text(encoding="utf-8")

def _html_page(paragraphs: list[str], title: str = "通报") -> str:
    import html

    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
        "<style>.x{color:red}</style><script>var t='地区生产总值增长99%';</script></head><body>"
        "<div class='top-nav'><ul><li><a href='/'>首页</a></li><li><a href='/zw'>政务公开</a></li></ul></div>"
        "<nav><a href='/'>网站导航</a> <a href='/map'>地图</a></nav>"
        "<header><div class='logo'>人民政府门户网站</div></header>"
        f"<div id='zoom' class='article'>\n{body}</div>"
        "<div class='share'>分享到:微信 微博</div>"
        "<footer><p>版权所有:人民政府办公室 电话:0715-1234567</p></footer>"
        "<script>console.log('done')</script></body></html>"
    )

def _make_docx(path: Path, text: str) -> None:
    import docx

    d = docx.Document()
    for line in text.split("\n"):
        d.add_paragraph(line)
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "表格", "地区生产总值"
    d.save(str(path))

def _make_pdf(path: Path, text: str, chars_per_line: int = 38) -> None:
    """A PDF with a CJK text layer, wrapped like a real page (reportlab's CID font STSong-Light
    needs no font file)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 10)
    y = 800
    for line in text.split("\n"):
        for i in range(0, max(len(line), 1), chars_per_line):
            c.drawString(40, y, line[i:i + chars_per_line])
            y -= 14
            if y < 40:
                c.showPage()
                c.setFont("STSong-Light", 10)
                y = 800
    c.save()
