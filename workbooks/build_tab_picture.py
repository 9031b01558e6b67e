"""Draw a picture of the S75 tab from its customUI, for the README and docs/ribbon.md.

No Excel runs here, so the picture is a mock drawn from `workbooks/addin/customUI/customUI14.xml`:
the tab, its groups and buttons with their labels, in the order and grouping Excel shows them.
The buttons' Office icons (imageMso) are Excel's own and cannot be drawn here; each button shows
a plain icon with its initial instead. Written as SVG, then turned into PNG by rsvg-convert (Debian
package librsvg2-bin; LibreOffice's Calc-only install cannot read SVG).

    python workbooks/build_tab_picture.py        # writes docs/images/s75_tab.svg and .png
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

from s75xl.excel.officejs import buttons

ROOT = Path(__file__).resolve().parent.parent
BUTTON_W, GROUP_GAP, HEIGHT = 96, 14, 150
TABS = ["File", "Home", "Insert", "Page Layout", "Formulas", "Data", "Review", "View", "S75"]


def svg(custom_ui: bytes) -> str:
    found = buttons(custom_ui)
    groups: dict[str, list[dict]] = {}
    for b in found:
        groups.setdefault(b["group_label"], []).append(b)
    width = 20 + sum(len(m) * BUTTON_W + GROUP_GAP for m in groups.values()) + 20
    width = max(width, 760)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" viewBox="0 0 {width} {HEIGHT}" '
           'font-family="Liberation Sans, Arial, sans-serif">',
           f'<rect width="{width}" height="{HEIGHT}" fill="#f3f3f3"/>',
           f'<rect y="0" width="{width}" height="30" fill="#217346"/>']
    x = 12
    for tab in TABS:
        w = 14 + 7.2 * len(tab)
        if tab == "S75":
            out.append(f'<rect x="{x - 4}" y="4" width="{w}" height="26" fill="#f3f3f3"/>')
            out.append(f'<text x="{x + 3}" y="22" font-size="13" font-weight="bold" fill="#217346">{tab}</text>')
        else:
            out.append(f'<text x="{x + 3}" y="21" font-size="13" fill="#ffffff">{tab}</text>')
        x += w + 6
    x = 20
    for label, members in groups.items():
        for b in members:
            cx = x + BUTTON_W / 2
            out.append(f'<rect x="{cx - 18}" y="44" width="36" height="36" rx="5" fill="#1f4e79"/>')
            out.append(f'<text x="{cx}" y="69" font-size="18" font-weight="bold" fill="#ffffff" '
                       f'text-anchor="middle">{escape(b["label"][0])}</text>')
            words = b["label"].split(" ", 1)
            for i, line in enumerate(words):
                out.append(f'<text x="{cx}" y="{98 + 14 * i}" font-size="12" fill="#222222" '
                           f'text-anchor="middle">{escape(line)}</text>')
            x += BUTTON_W
        group_w = len(members) * BUTTON_W
        out.append(f'<text x="{x - group_w / 2}" y="{HEIGHT - 10}" font-size="11" fill="#555555" '
                   f'text-anchor="middle">{escape(label)}</text>')
        out.append(f'<line x1="{x + GROUP_GAP / 2}" y1="40" x2="{x + GROUP_GAP / 2}" y2="{HEIGHT - 8}" '
                   'stroke="#c8c8c8"/>')
        x += GROUP_GAP
    out.append("</svg>")
    return "\n".join(out)


def main() -> None:
    images = ROOT / "docs" / "images"
    images.mkdir(parents=True, exist_ok=True)
    target = images / "s75_tab.svg"
    target.write_text(svg((ROOT / "workbooks" / "addin" / "customUI" / "customUI14.xml").read_bytes()), encoding="utf-8")
    converter = shutil.which("rsvg-convert")
    if converter is None:
        raise SystemExit("rsvg-convert is needed to draw the PNG: apt-get install librsvg2-bin")
    subprocess.run([converter, "-z", "1.5", str(target), "-o", str(images / "s75_tab.png")], check=True)
    print(f"Wrote {target} and {images / 's75_tab.png'}")


if __name__ == "__main__":
    main()
