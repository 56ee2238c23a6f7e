"""Read what a generated PDF says (poppler's pdftotext, installed by `make test`)."""

from __future__ import annotations

import shutil
import subprocess


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with white space folded to single spaces."""
    if not shutil.which("pdftotext"):
        raise RuntimeError("pdftotext is missing: apt-get install poppler-utils (make test installs it)")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return " ".join(out.decode().split())
