"""The pack's PDF: A4 landscape, one page per report card, each card's chart drawn.

Needs LibreOffice (skips without it, fails without it where S75XL_REQUIRE_LIBREOFFICE is set)
and poppler's pdftotext / pdftoppm, which LibreOffice's Debian package brings in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import pytest

from s75xl.demo import read_shipped_csv
from s75xl.pack import PackOptions, build_pack
from s75xl.pack.charts import VALUE_LINE

from .libreoffice import soffice

CARDS = {"NFK-VS-02": "19.3", "NFK-VS-03": "633", "NFK-VS-09": "3.56", "NFK-VS-10": "3.3%",
         "NFK-VS-11": "2.0%", "NFK-VS-12": "40.0%"}


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("S75XL_REQUIRE_LIBREOFFICE"):  # CI installs poppler-utils beside LibreOffice
            pytest.fail(f"{tool} (poppler-utils) is required here (S75XL_REQUIRE_LIBREOFFICE is set) but not installed.")
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return path


def page_text(pdf, page: int) -> str:
    return subprocess.run([_poppler("pdftotext"), "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def page_pixels(pdf, page: int, tmp_path) -> np.ndarray:
    """The page rendered at 50 dpi as an (height, width, 3) array (pdftoppm's binary PPM)."""
    stem = tmp_path / f"page{page}"
    subprocess.run([_poppler("pdftoppm"), "-r", "50", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(stem)], check=True)
    data = (stem.with_suffix(".ppm")).read_bytes()
    fields, start = [], 0
    while len(fields) < 4:  # P6, width, height, maxval, separated by whitespace
        while data[start:start + 1].isspace():
            start += 1
        end = start
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[start:end])
        start = end
    width, height = int(fields[1]), int(fields[2])
    return np.frombuffer(data[start + 1:start + 1 + width * height * 3], dtype=np.uint8).reshape(height, width, 3)


def near(pixels: np.ndarray, colour: str, tolerance: int = 40) -> int:
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels.astype(int) - rgb).sum(axis=2) < tolerance).sum())


@pytest.fixture(scope="module")
def pack_pdf(tmp_path_factory):
    soffice()
    out = tmp_path_factory.mktemp("pdf")
    results, targets = read_shipped_csv("norfolk_results_2016_17.csv"), read_shipped_csv("norfolk_targets_2016_17.csv")
    result = build_pack(results, targets=targets, out_dir=out, options=PackOptions())
    pdf = out / "pack_Norfolk_2017-03.pdf"
    assert pdf in result.files
    info = subprocess.run([_poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return pdf, pages, info


def test_the_pdf_is_a4_landscape(pack_pdf):
    _, _, info = pack_pdf
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    assert "841.89 x 595.30" in size or "842 x 595" in size, size


def test_every_report_card_is_exactly_one_page_with_its_name_value_and_icon_words(pack_pdf):
    pdf, pages, _ = pack_pdf
    texts = [page_text(pdf, p) for p in range(1, pages + 1)]
    card_pages = [t for t in texts if "Report card:" in t]
    assert len(card_pages) == len(CARDS)
    for measure, value in CARDS.items():
        mine = [t for t in card_pages if f"Report card: {measure}" in t]
        assert len(mine) == 1, measure  # one page per card: its title and its prompts on the same page
        text = " ".join(mine[0].split())
        assert value in text, (measure, value)
        # the last prompt (the last heading on a positive exception's card): nothing spilled over
        assert ("Responsible officers" if measure == "NFK-VS-12" else "What can we learn for the future?") in text
        assert any(word in text for word in ("Common cause variation", "Special cause concern",
                                             "Special cause improvement")), measure
    vs09 = " ".join(next(t for t in card_pages if "NFK-VS-09" in t).split())
    assert "Number of days delay in transfers of care" in vs09
    assert "Special cause concern (high)" in vs09 and "Consistently failing the target" in vs09
    assert "Mar 2018: 4.61 (4.17 to 5.05, 80% band)" in vs09
    assert not any("###" in t or "#NUM!" in t or "#VALUE!" in t for t in texts)


def test_each_card_chart_area_is_drawn_not_blank(pack_pdf, tmp_path):
    pdf, pages, _ = pack_pdf
    card_pages = [p for p in range(1, pages + 1) if "Report card:" in page_text(pdf, p)]
    for page in card_pages:
        pixels = page_pixels(pdf, page, tmp_path)
        height, width, _ = pixels.shape
        chart = pixels[int(0.12 * height):int(0.62 * height), int(0.45 * width):]
        commentary = pixels[int(0.72 * height):int(0.9 * height), :int(0.45 * width)]
        # the value line in NHS blue (thin at 50 dpi: tens of pixels), and plenty drawn besides
        assert near(chart, VALUE_LINE) > 30, page
        assert (chart.min(axis=2) < 200).mean() > 0.05, page
        assert near(commentary, VALUE_LINE) < 20, page
