"""LibreOffice and pdftotext for the tests of the report files: converting them as an office's
software opens them, and reading a PDF's words back with where each stands on its page."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
POINTS_PER_MM = 72 / 25.4
BOTTOM_MARGIN_MM = 35  # GB/T 9704-2012 5.2.1: below the 225 mm type area of an A4 page with a 37 mm top margin


def soffice(tmp_path: Path, target: str, source: Path) -> subprocess.CompletedProcess:
    """LibreOffice with its own profile (parallel runs must not share one)."""
    if not Path(SOFFICE).exists():
        pytest.fail("LibreOffice (soffice) is missing: scripts/bootstrap.sh installs it")
    profile = (tmp_path / "lo-profile").as_uri()
    return subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target, "--outdir", str(tmp_path / "converted"), str(source)],
        capture_output=True, text=True, timeout=300,
    )



@dataclass(frozen=True)
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float


@dataclass(frozen=True)
class PdfPage:
    width: float
    height: float
    words: list[Word]

    @property
    def type_area_bottom(self) -> float:
        return self.height - BOTTOM_MARGIN_MM * POINTS_PER_MM

    def lines(self) -> dict[float, list[Word]]:
        """The words by line (their top), left to right."""
        lines: dict[float, list[Word]] = {}
        for word in self.words:
            lines.setdefault(round(word.y_min), []).append(word)
        return {top: sorted(words, key=lambda w: w.x_min) for top, words in sorted(lines.items())}


def pdf_pages(pdf: Path) -> list[PdfPage]:
    """Every page's words with where they stand (pdftotext -bbox, in points from the top left)."""
    if not Path(PDFTOTEXT).exists():
        pytest.fail("pdftotext is missing: scripts/bootstrap.sh installs Debian's poppler-utils")
    result = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    pages = []
    for width, height, body in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', result.stdout, re.S):
        words = [Word(html.unescape(text), float(x0), float(y0), float(x1)) for x0, y0, x1, text in
                 re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', body)]
        pages.append(PdfPage(float(width), float(height), words))
    return pages


def below_type_area(page: PdfPage) -> list[Word]:
    """The words printed below the text, left to right: where a notice's page number stands."""
    return sorted((w for w in page.words if w.y_min > page.type_area_bottom), key=lambda w: w.x_min)
