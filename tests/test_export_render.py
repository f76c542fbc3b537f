"""The exported files as a printer sees them: rendered to PDF by LibreOffice, when it is installed.

Optional: skipped where `soffice` is absent (never needed for `make run`). Install it on Debian with
`apt-get install libreoffice-calc-nogui libreoffice-writer-nogui fonts-crosextra-carlito` (Carlito
has Calibri's metrics, the font Excel sizes columns in).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_export_contract import export_sample

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
CONVERT_TIMEOUT_SECONDS = 300
A4_PORTRAIT = (595, 842)
A4_LANDSCAPE = (842, 595)


def _pdf(path: Path, folder: Path) -> bytes:
    # A private profile: a clerk's open LibreOffice (or another test) must not be reused.
    subprocess.run(
        [SOFFICE or "soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile",
         "--convert-to", "pdf", "--outdir", str(folder), str(path)],
        check=True, capture_output=True, timeout=CONVERT_TIMEOUT_SECONDS,
    )  # fmt: skip
    return (folder / f"{path.stem}.pdf").read_bytes()


def _page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    pages = re.findall(rb"/Type\s*/Page\b(?!s).*?/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf, re.S)
    return [(round(float(width)), round(float(height))) for width, height in pages]


def test_each_annex_prints_on_its_own_a4_pages(tmp_path: Path) -> None:
    export = export_sample(tmp_path)

    annexes = _page_sizes(_pdf(export.files.annexes, tmp_path))
    # 附件1 (43 rows) on one page at 11 pt, 附件2 on another.
    assert annexes == [A4_PORTRAIT, A4_PORTRAIT]
    review = _page_sizes(_pdf(export.files.review, tmp_path))
    assert A4_LANDSCAPE in review and A4_PORTRAIT in review
    draft = _page_sizes(_pdf(export.files.draft, tmp_path))
    assert len(draft) >= 4 and set(draft) == {A4_PORTRAIT}
