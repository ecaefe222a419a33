"""The GX Data Docs assets served locally (expectations/data_docs_offline.py): the manifest is
complete and every copy has its licence; a page's CDN addresses become paths relative to the page,
files pinned by Subresource Integrity are checked against it, and external links become text."""

from __future__ import annotations

from pathlib import Path

import pytest

from expectations.data_docs_offline import (
    ASSETS_DIR, GX_PREFIX, AssetsManifestError, load_assets, rewrite_page,
)

# from a page GX 1.24.1 builds (index.html), as it is
GX_HEAD = (
    '<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css">\n'
    '<script src="https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js" '
    'integrity="sha384-ApNbgh9B+Y1QKtv3Rn7W3mgPxhU9K/ScQsAP7hUibX39j7fakFPskvXusvfa0b4Q" crossorigin="anonymous"></script>\n'
    '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>\n'
    '<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png'
    '?d=20261201T112440.988992Z&dataContextId=07bce095" alt="Great Expectations">\n'
    '<p>Stay current on everything GX with our newsletter <a href="https://greatexpectations.io/newsletter'
    '?utm_source=datadocs">Subscribe</a></p>\n'
)


def test_manifest_names_vendored_files_with_licences():
    assets = load_assets()
    assert len(assets.packages) >= 10 and len(assets.urls) >= 16
    for p in assets.packages:
        root = ASSETS_DIR / "npm" / p.dirname
        assert (root / "LICENSE").is_file(), p.name
        for f in p.files:
            assert (root / f).is_file() and (root / f).stat().st_size > 0, f"{p.dirname}/{f}"
    for url, target in assets.urls.items():
        if not target.startswith(GX_PREFIX):
            assert (ASSETS_DIR / "npm" / target).is_file(), url


def test_a_page_points_at_the_local_copies(tmp_path):
    docs = tmp_path / "data_docs"
    page = docs / "validations" / "raw__raw" / "facts" / "run" / "x.html"
    text, n = rewrite_page(GX_HEAD, page, docs, load_assets())
    assert n == 5
    assert 'href="../../../../static/vendor/bootstrap@4.3.1/dist/css/bootstrap.min.css"' in text
    assert 'src="../../../../static/vendor/popper.js@1.12.9/dist/umd/popper.min.js"></script>' in text
    assert 'src="../../../../static/vendor/vega@5.33.1/build/vega.min.js"' in text
    assert 'src="../../../../static/images/logo-long.png" alt=' in text
    assert "integrity" not in text and "crossorigin" not in text
    assert '<a data-offline-href="https://greatexpectations.io/newsletter?utm_source=datadocs">Subscribe</a>' in text
    assert "https://" not in text.replace('data-offline-href="https://', "")
    again, n2 = rewrite_page(text, page, docs, load_assets())
    assert (again, n2) == (text, 0)


def test_gx_static_paths_are_recomputed_from_the_page(tmp_path):
    # GX 1.24.1 writes a validation page five folders down but its favicon four ../ up
    docs = tmp_path / "data_docs"
    page = docs / "validations" / "marts__marts" / "dim_region" / "run" / "time" / "x.html"
    head = ('<link rel="shortcut icon" href="../../../../static/images/favicon.ico">'
            '<link href="../../../../../static/styles/data_docs_default_styles.css" rel="stylesheet">')
    text, n = rewrite_page(head, page, docs, load_assets())
    assert n == 1 and 'href="../../../../../static/images/favicon.ico"' in text
    assert 'href="../../../../../static/styles/data_docs_default_styles.css"' in text
    assert rewrite_page(text, page, docs, load_assets()) == (text, 0)
    index = docs / "index.html"
    assert rewrite_page('<img src="static/images/logo-long.png">', index, docs, load_assets())[1] == 0


def test_a_copy_that_differs_from_what_the_page_pinned_is_refused(tmp_path):
    tampered = GX_HEAD.replace("sha384-ApNbgh9B", "sha384-XXXXXXXX")
    with pytest.raises(AssetsManifestError, match="does not hash"):
        rewrite_page(tampered, tmp_path / "index.html", tmp_path, load_assets())


def test_stylesheet_urls(tmp_path):
    css = "a.brand { background: url('https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/full_logo_dark.png') 0 0 no-repeat; }"
    page = tmp_path / "static" / "styles" / "data_docs_default_styles.css"
    text, n = rewrite_page(css, page, tmp_path, load_assets())
    assert n == 1 and "url('../images/logo-long.png')" in text


def test_a_bad_manifest_is_refused(tmp_path):
    bad = tmp_path / "assets.yaml"
    bad.write_text("packages: []\nurls:\n  http://cdn.example/x.js: nowhere/x.js\n", encoding="utf-8")
    with pytest.raises(AssetsManifestError, match="not an https address"):
        load_assets(Path(bad))
    bad.write_text("packages: []\nurls:\n  https://cdn.example/x.js: nowhere/x.js\n", encoding="utf-8")
    with pytest.raises(AssetsManifestError, match="not among the packages"):
        load_assets(Path(bad))
