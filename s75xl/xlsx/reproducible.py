"""The same workbook file, byte for byte, every time it is built from the same source.

openpyxl stamps a workbook with the time it was made and saved (in ``docProps/core.xml``) and
zip stamps every part with the time it was written, so rebuilding a shipped template or the demo
workbook used to rewrite all of them with nothing changed but the clock. ``make_reproducible``
rewrites a saved file with those times fixed, and with one application name in
``docProps/app.xml`` (the one part two openpyxl 3.1 releases write differently), so a rebuild that
changes nothing changes no byte (and a CI test can say so, on the newest and the lowest versions).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

FIXED_TIME = b"2000-01-01T00:00:00Z"  # what docProps/core.xml says for created and modified
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
_STAMP = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")
_APPLICATION = re.compile(rb"<Application>[^<]*</Application>")
APPLICATION = b"<Application>Microsoft Excel</Application>"  # what openpyxl 3.1.0 writes; later ones add their version


def make_reproducible(path: str | Path) -> Path:
    """Rewrite the workbook at `path` with fixed document and zip times (parts keep their order)."""
    path = Path(path)
    with zipfile.ZipFile(path) as package:
        parts = [(info.filename, package.read(info.filename)) for info in package.infolist()]
    temporary = path.with_name(f".{path.name}.tmp")
    with zipfile.ZipFile(temporary, "w") as package:
        for name, data in parts:
            if name == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>" + FIXED_TIME + rb"\g<3>", data)
            elif name == "docProps/app.xml":
                data = _APPLICATION.sub(APPLICATION, data)
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            package.writestr(info, data)
    temporary.replace(path)
    return path
