"""Refresh the vendored copies of the GX Data Docs assets from the npm registry.

    python -m expectations.tools.vendor_data_docs_assets

For each package of expectations/data_docs_assets/assets.yaml: `npm pack name@version` (npm's own
client), check the tarball against the pinned integrity hash, and copy the listed files and the
package's licence file into data_docs_assets/npm/<name>@<version>/. Needs npm; run at development
time only (CI and users use the committed copies).
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from expectations.data_docs_offline import ASSETS_DIR, MANIFEST, load_assets


def integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def main() -> int:
    assets = load_assets(MANIFEST)
    with tempfile.TemporaryDirectory() as tmp:
        for p in assets.packages:
            out = subprocess.run(["npm", "pack", f"{p.name}@{p.version}", "--silent"], cwd=tmp,
                                 capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
            tgz = Path(tmp) / out
            if integrity(tgz) != p.integrity:
                print(f"{p.name}@{p.version}: integrity differs from assets.yaml", file=sys.stderr)
                return 1
            dest = ASSETS_DIR / "npm" / p.dirname
            with tarfile.open(tgz) as tar:
                wanted = [*p.files, *([p.license_file] if p.license_file else [])]
                for rel in wanted:
                    member = tar.extractfile(f"package/{rel}")
                    if member is None:
                        print(f"{p.name}@{p.version}: no {rel} in the package", file=sys.stderr)
                        return 1
                    target = dest / (rel if rel != p.license_file else "LICENSE")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with open(target, "wb") as fh:
                        shutil.copyfileobj(member, fh)
            print(f"{p.name}@{p.version}: {len(p.files)} file(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
