"""GX Data Docs that work offline: after GX builds the site, every page is rewritten to load its
styles, scripts, fonts and images from local copies instead of public CDNs.

    make_offline(docs_dir) -> Rewritten(pages, references)

The CDN addresses and the files that replace them are data (data_docs_assets/assets.yaml, validated
on load); the files are pinned copies of npm packages with their licences, vendored in
data_docs_assets/npm/ (refreshed by expectations/tools/vendor_data_docs_assets.py). They are copied
into `<docs_dir>/static/vendor/`, and each page gets paths relative to itself, so the site can be
copied anywhere (`gwr report` copies it) and opened from disk with no network. A link to another
external page (GX's documentation, its newsletter) is kept as text: its address moves to
`data-offline-href`. Rewriting is idempotent: a page already rewritten is left as it is.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

ASSETS_DIR = Path(__file__).resolve().parent / "data_docs_assets"
MANIFEST = ASSETS_DIR / "assets.yaml"
VENDOR_SUBDIR = Path("static") / "vendor"
"""Where the copies go inside the docs site."""
GX_PREFIX = "gx:"
"""A replacement that GX itself ships in the site's static/ folder."""


class AssetsManifestError(ValueError):
    """assets.yaml is malformed or names a file that is not vendored."""


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str
    license: str
    license_file: str | None
    files: tuple[str, ...]

    @property
    def dirname(self) -> str:
        """npm/<name>@<version>: the scope's @ dropped, its / made a dash."""
        return f"{self.name.lstrip('@').replace('/', '-')}@{self.version}"


@dataclass(frozen=True)
class Assets:
    packages: tuple[Package, ...]
    urls: dict[str, str]  # CDN address -> path under npm/ or gx:<path under static/>


def _fail(msg: str) -> AssetsManifestError:
    return AssetsManifestError(f"{MANIFEST}: {msg}")


@functools.cache
def load_assets(manifest: Path = MANIFEST) -> Assets:
    """The manifest, checked: every package pinned with an integrity hash and a licence, every
    replacement file vendored (or shipped by GX), every address https."""
    data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    packages = []
    for i, p in enumerate(data.get("packages") or []):
        missing = {"name", "version", "integrity", "license", "files"} - set(p)
        if missing:
            raise _fail(f"package #{i + 1} lacks {', '.join(sorted(missing))}")
        if not str(p["integrity"]).startswith("sha512-"):
            raise _fail(f"{p['name']}: integrity must be the registry's sha512")
        packages.append(Package(str(p["name"]), str(p["version"]), str(p["integrity"]), str(p["license"]),
                                p.get("license_file"), tuple(p["files"])))
    urls = {str(k): str(v) for k, v in (data.get("urls") or {}).items()}
    vendored = {f"{p.dirname}/{f}" for p in packages for f in p.files}
    for url, target in urls.items():
        if not url.startswith("https://"):
            raise _fail(f"{url}: not an https address")
        if not target.startswith(GX_PREFIX) and target not in vendored:
            raise _fail(f"{url} -> {target}: not among the packages' files")
    for p in packages:
        if not (manifest.parent / "npm" / p.dirname / "LICENSE").is_file() and not p.license_file:
            raise _fail(f"{p.name}@{p.version}: no licence file (license_file, or npm/{p.dirname}/LICENSE)")
    return Assets(tuple(packages), urls)


@dataclass(frozen=True)
class Rewritten:
    pages: int  # pages changed
    references: int  # addresses replaced


def _copy_vendor(docs_dir: Path) -> None:
    """npm/ into <docs_dir>/static/vendor/ (files already there with the same size are kept)."""
    src_root = ASSETS_DIR / "npm"
    dest_root = docs_dir / VENDOR_SUBDIR
    for src in src_root.rglob("*"):
        if src.is_file():
            dest = dest_root / src.relative_to(src_root)
            if not dest.is_file() or dest.stat().st_size != src.stat().st_size:
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)


def _pattern(urls: dict[str, str]) -> re.Pattern:
    """Any of the addresses with an optional query string, up to a quote, bracket or space."""
    alts = "|".join(re.escape(u) for u in sorted(urls, key=len, reverse=True))
    return re.compile(rf"(?:{alts})(?:\?[^\"'()\s<>]*)?(?=[\"'()\s<>])")


EXTERNAL_LINK = re.compile(r"""<a\b([^>]*?)\shref=(["'])(https?:)?//([^"']*)\2""", re.I)
ASSET_TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.I)
INTEGRITY = re.compile(r"""\sintegrity=(["'])(sha(?:256|384|512))-([^"']+)\1""", re.I)
CROSSORIGIN = re.compile(r"""\scrossorigin(?:=(["'])[^"']*\1)?""", re.I)
GX_STATIC = re.compile(r"""(?<![-\w])((?:src|href)=["'])((?:\.\./)*)static/([^"']*)(["'])""", re.I)
"""A reference of GX's own to its static/ folder: GX counts the ../ wrongly on validation pages
(favicon.ico one level short), so every such path is recomputed from the page's place."""


def _sri(path: Path, algorithm: str) -> str:
    return base64.b64encode(hashlib.new(algorithm.lower(), path.read_bytes()).digest()).decode()


def rewrite_page(text: str, page: Path, docs_dir: Path, assets: Assets) -> tuple[str, int]:
    """The page (HTML or CSS) with every CDN address replaced by a path relative to it, and
    external links kept as text; with the number of addresses replaced.

    A <script>/<link> that pinned its CDN file with Subresource Integrity keeps that promise: the
    local copy must hash the same (else AssetsManifestError), and the integrity and crossorigin
    attributes go (a browser refuses them on pages opened from disk)."""
    here = page.parent
    pattern = _pattern(assets.urls)

    def target(m: re.Match) -> Path:
        t = assets.urls[m.group(0).split("?", 1)[0]]
        if t.startswith(GX_PREFIX):
            return docs_dir / "static" / t[len(GX_PREFIX):]
        return docs_dir / VENDOR_SUBDIR / t

    def relative(m: re.Match) -> str:
        return Path(os.path.relpath(target(m), here)).as_posix()

    def tag(m: re.Match) -> str:
        t = m.group(0)
        found = pattern.search(t)
        if not found:
            return t
        sri = INTEGRITY.search(t)
        if sri:
            local = ASSETS_DIR / "npm" / target(found).relative_to(docs_dir / VENDOR_SUBDIR)
            if _sri(local, sri.group(2)) != sri.group(3):
                raise AssetsManifestError(f"{local} does not hash to the integrity {page.name} "
                                          f"gives {found.group(0)}")
            t = CROSSORIGIN.sub("", INTEGRITY.sub("", t))
        return t

    def static(m: re.Match) -> str:
        return m.group(1) + Path(os.path.relpath(docs_dir / "static" / m.group(3), here)).as_posix() + m.group(4)

    text = ASSET_TAG.sub(tag, text) if page.suffix == ".html" else text
    text, n = pattern.subn(relative, text)
    if page.suffix == ".html":
        fixed = GX_STATIC.sub(static, text)
        n += sum(a != b for a, b in zip(GX_STATIC.findall(text), GX_STATIC.findall(fixed)))
        text = fixed
        text, k = EXTERNAL_LINK.subn(
            lambda m: f'<a{m.group(1)} data-offline-href={m.group(2)}{m.group(3) or ""}//{m.group(4)}{m.group(2)}', text)
        n += k
    return text, n


def make_offline(docs_dir: Path) -> Rewritten:
    """Vendor the assets into the site and rewrite its pages and stylesheets to use them."""
    docs_dir = Path(docs_dir).resolve()
    assets = load_assets()
    _copy_vendor(docs_dir)
    pages = refs = 0
    for page in [*docs_dir.rglob("*.html"), *(docs_dir / "static" / "styles").glob("*.css")]:
        if ".gx" in page.relative_to(docs_dir).parts:
            continue
        text = page.read_text(encoding="utf-8")
        new, n = rewrite_page(text, page, docs_dir, assets)
        if n:
            page.write_text(new, encoding="utf-8")
            pages += 1
            refs += n
    return Rewritten(pages, refs)
