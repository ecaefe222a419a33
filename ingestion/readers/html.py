"""The main text of an HTML page: scripts, styles, navigation, headers/footers outside the article,
ARIA navigation roles, nav/menu/footer/breadcrumb/share class or id names, hidden and link-dense
blocks are dropped; one line per block element."""

from __future__ import annotations

import re

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


def looks_like_html(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:512].lower()
    if head.startswith(("<!doctype html", "<html")):
        return True
    return head.startswith("<?xml") and "<html" in text[:4096].lower()
