"""An .xlsx/.xlsm file as a zip of parts: read them, change a few, write the rest back untouched.

openpyxl's load-and-save loses parts of circulated templates (shapes, x14 conditional formats,
sparklines, slicers, printer settings, the ribbon of an add-in; shared/reference/xlwings.md 5),
so s75xl never round-trips a user's template through it. Parts are kept in their original order
with their original compression, and every part we do not change is written from the original
bytes. The output is written to a temporary file beside the target and renamed over it, so a run
killed half way never leaves a damaged file.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import S75Error
from ..safety.zipguard import check_archive, check_parts

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted (password-protected) OOXML and old .xls files


class TemplateError(S75Error):
    """A template file that cannot be used."""


@dataclass
class Package:
    path: Path
    parts: dict[str, bytes]
    infos: dict[str, zipfile.ZipInfo]
    changed: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, path: str | Path) -> "Package":
        path = Path(path)
        if not path.exists():
            raise TemplateError(f"The template {path} does not exist.")
        lock = path.with_name("~$" + path.name)
        if lock.exists():
            raise TemplateError(f"The template {path} is open in Excel (there is a lock file {lock.name} beside it); "
                                "close it and try again.")
        head = path.read_bytes()[:8]
        if head == OLE_MAGIC:
            raise TemplateError(f"The template {path} is password-protected or an old .xls file; "
                                "save an unprotected .xlsx or .xlsm copy.")
        if not zipfile.is_zipfile(path):
            raise TemplateError(f"The template {path} is not an Excel .xlsx or .xlsm file.")
        try:
            with zipfile.ZipFile(path) as archive:
                check_archive(path, archive)  # size, ratio, entry and name limits: s75xl/safety/zipguard.py
                infos = {info.filename: info for info in archive.infolist()}
                parts = {name: archive.read(name) for name in infos}
            check_parts(path, parts)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise TemplateError(f"The template {path} is damaged ({exc}).") from None
        if "xl/workbook.xml" not in parts:
            raise TemplateError(f"The template {path} is a zip file but not an Excel workbook (no xl/workbook.xml).")
        return cls(path, parts, infos)

    def read(self, name: str) -> bytes:
        return self.parts[name]

    def write_part(self, name: str, data: bytes) -> None:
        if self.parts.get(name) != data:
            self.parts[name] = data
            self.changed.add(name)

    def remove_part(self, name: str) -> None:
        if name in self.parts:
            del self.parts[name]
            self.removed.add(name)

    def save(self, target: str | Path) -> Path:
        """Write the package to target atomically (temporary file in the same folder, then rename)."""
        target = Path(target)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(handle)
        try:
            with zipfile.ZipFile(temporary, "w") as archive:
                for name, info in self.infos.items():
                    if name not in self.parts:
                        continue
                    clone = zipfile.ZipInfo(name, date_time=info.date_time)
                    clone.compress_type = info.compress_type
                    clone.external_attr = info.external_attr
                    archive.writestr(clone, self.parts[name])
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target
