"""An .xlsx/.xlsm file as a zip of parts: read them, change a few, write the rest back untouched.

openpyxl's load-and-save loses parts of circulated templates (shapes, x14 conditional formats,
sparklines, slicers, printer settings, the ribbon of an add-in; shared/reference/xlwings.md 5),
so s75xl never round-trips a user's template through it. Parts are kept in their original order.

Opening reads only the zip's directory; a part is inflated only when something asks for it (the
workbook, its relationships, the one sheet being filled). Saving copies every unchanged part as
its original compressed bytes, local header and all (`s75xl/xlsx/zipcopy.py`), so a template's
big data sheets are never inflated and deflated again; only the parts that changed are
compressed. The output is written to a temporary file beside the target and renamed over it, so
a run killed half way never leaves a damaged file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
import zlib
from pathlib import Path

from ..errors import S75Error
from ..safety.zipguard import check_archive, check_parts
from .zipcopy import ZipCopyError, write_zip

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted (password-protected) OOXML and old .xls files


class TemplateError(S75Error):
    """A template file that cannot be used."""


class Package:
    """The parts of one template file, read on demand; `write_part`/`remove_part` record changes."""

    def __init__(self, path: Path, infos: dict[str, zipfile.ZipInfo], comment: bytes = b""):
        self.path = path
        self.infos = infos
        self.comment = comment
        self.changed: dict[str, bytes] = {}
        self.removed: set[str] = set()
        self._read: dict[str, bytes] = {}

    @classmethod
    def open(cls, path: str | Path) -> "Package":
        path = Path(path)
        if not path.exists():
            raise TemplateError(f"The template {path} does not exist.")
        lock = path.with_name("~$" + path.name)
        if lock.exists():
            raise TemplateError(f"The template {path} is open in Excel (there is a lock file {lock.name} beside it); "
                                "close it and try again.")
        with path.open("rb") as handle:
            head = handle.read(8)
        if head == OLE_MAGIC:
            raise TemplateError(f"The template {path} is password-protected or an old .xls file; "
                                "save an unprotected .xlsx or .xlsm copy.")
        if not zipfile.is_zipfile(path):
            raise TemplateError(f"The template {path} is not an Excel .xlsx or .xlsm file.")
        try:
            with zipfile.ZipFile(path) as archive:
                check_archive(path, archive)  # size, ratio, entry and name limits: s75xl/safety/zipguard.py
                infos = {info.filename: info for info in archive.infolist()}
                comment = archive.comment
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:  # zlib: a corrupt part's head
            raise TemplateError(f"The template {path} is damaged ({exc}).") from None
        if "xl/workbook.xml" not in infos:
            raise TemplateError(f"The template {path} is a zip file but not an Excel workbook (no xl/workbook.xml).")
        return cls(path, infos, comment)

    def names(self) -> list[str]:
        """The names of the parts, in the file's order (removed ones left out)."""
        return [name for name in self.infos if name not in self.removed]

    def __contains__(self, name: str) -> bool:
        return name in self.infos and name not in self.removed

    def read(self, name: str) -> bytes:
        """The part's bytes (as changed, if it was); inflated from the file the first time only."""
        if name in self.changed:
            return self.changed[name]
        if name not in self:
            raise KeyError(name)
        if name not in self._read:
            try:
                with zipfile.ZipFile(self.path) as archive:
                    data = archive.read(self.infos[name])
                check_parts(self.path, {name: data})  # cell limits on each sheet as it is first read
                self._read[name] = data
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:  # bad CRC, corrupt or truncated data
                raise TemplateError(f"The template {self.path} is damaged ({exc}).") from None
        return self._read[name]

    def write_part(self, name: str, data: bytes) -> None:
        if name not in self.infos:
            raise KeyError(f"{name} is not a part of {self.path}; s75xl only changes existing parts.")
        if self.read(name) != data:
            self.changed[name] = data

    def remove_part(self, name: str) -> None:
        if name in self:
            self.changed.pop(name, None)
            self.removed.add(name)

    def save(self, target: str | Path) -> Path:
        """Write the package to target atomically (temporary file in the same folder, then rename)."""
        target = Path(target)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(handle)
        try:
            self.write(temporary)
            shutil.copymode(self.path, temporary)  # the template's permissions, not mkstemp's owner-only 0600
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target

    def write(self, target: str | Path) -> None:
        """Write the package to target as it is (for a caller that makes the write atomic itself,
        as `s75xl.safety.outputs.write_atomically` does)."""
        entries = [(info, self.changed.get(name)) for name, info in self.infos.items() if name not in self.removed]
        try:
            write_zip(self.path, target, entries, self.comment)
        except ZipCopyError as exc:
            raise TemplateError(f"The template {self.path} is damaged ({exc}).") from None
