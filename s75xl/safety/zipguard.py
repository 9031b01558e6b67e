"""Limits an Excel file (a zip of XML parts) must meet before s75xl reads it.

A hostile or broken .xlsx can be a zip bomb (a 3 MB file whose sheet inflates to 3 GiB), hold
thousands of entries, name entries outside the package ("../../etc/passwd"), declare XML
entities (the "billion laughs"), or be re-saved in UTF-16. Each is refused here with one
sentence naming the file and the part, before any part is inflated in full. The limits are far
above any council template seen (the largest circulated one is a few MB of XML):

==========================  ===========================================================
limit                       value
==========================  ===========================================================
entries in the zip          `MAX_ENTRIES`
one part, inflated          `MAX_PART_BYTES`
all parts, inflated         `MAX_TOTAL_BYTES`
compression ratio           `MAX_RATIO`, for parts that inflate beyond `RATIO_FLOOR_BYTES`
cells in one sheet          `MAX_CELLS`
==========================  ===========================================================

Zip's own declared sizes are trusted because Python's zipfile never inflates a part beyond its
declared size (it stops there and fails its checksum), so a lying header cannot get past.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from ..errors import S75Error

MAX_ENTRIES = 10_000
MAX_PART_BYTES = 100 << 20
MAX_TOTAL_BYTES = 300 << 20
MAX_RATIO = 150
RATIO_FLOOR_BYTES = 1 << 20
MAX_CELLS = 2_000_000
_HEAD = 2048


class UnsafeFileError(S75Error):
    """An Excel file that breaks one of the limits, or holds XML s75xl refuses to parse."""


def check_archive(path: str | Path, archive: zipfile.ZipFile, what: str = "template") -> None:
    """Refuse a zip whose entries are too many, too big, too compressed or named outside it."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise UnsafeFileError(f"The {what} {path} has {len(infos):,} parts; an Excel file of more than "
                              f"{MAX_ENTRIES:,} is refused as unsafe.")
    total = 0
    seen = set()
    for info in infos:
        name = info.filename
        normal = posixpath.normpath(name.replace("\\", "/"))
        if name.startswith(("/", "\\")) or normal.startswith("..") or "/../" in f"/{normal}/" or ":" in name.split("/")[0]:
            raise UnsafeFileError(f"The {what} {path} has a part named outside the file ({name[:80]!r}); "
                                  "it is refused as unsafe.")
        if name in seen:
            raise UnsafeFileError(f"The {what} {path} has two parts named {name[:80]!r}; it is damaged or unsafe.")
        seen.add(name)
        size = info.file_size
        if size > MAX_PART_BYTES:
            raise UnsafeFileError(f"The {what} {path}: part {name[:80]} inflates to {size / 2**20:,.0f} MiB, "
                                  f"above the limit of {MAX_PART_BYTES >> 20} MiB for one part.")
        if size > RATIO_FLOOR_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeFileError(f"The {what} {path}: part {name[:80]} is compressed {size / max(info.compress_size, 1):,.0f} "
                                  f"to 1, above the limit of {MAX_RATIO} to 1 (a zip bomb?).")
        total += size
    if total > MAX_TOTAL_BYTES:
        raise UnsafeFileError(f"The {what} {path} inflates to {total / 2**20:,.0f} MiB in all, above the limit of "
                              f"{MAX_TOTAL_BYTES >> 20} MiB.")
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            with archive.open(info) as handle:
                check_xml_head(path, info.filename, handle.read(_HEAD), what)


def check_xml_head(path, part: str, head: bytes, what: str = "template") -> None:
    """Refuse a part in UTF-16 or one that declares a DOCTYPE or entities (before any parser sees it)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (head[:2].count(0) and len(head) > 1):
        raise UnsafeFileError(f"The {what} {path}: part {part} is UTF-16 text; s75xl reads Excel files saved "
                              "as UTF-8 (save it again from Excel).")
    lowered = head.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise UnsafeFileError(f"The {what} {path}: part {part} declares XML entities or a DOCTYPE, which Excel "
                              "never writes; it is refused as unsafe.")
    if b"encoding=" in lowered[:200] and b"utf-8" not in lowered[:200] and b"utf8" not in lowered[:200]:
        raise UnsafeFileError(f"The {what} {path}: part {part} is not UTF-8 XML; save it again from Excel.")


def count_cells(data: bytes) -> int:
    return data.count(b"<c ") + data.count(b"<c>")


def check_sheet(path, part: str, data: bytes, what: str = "template") -> None:
    cells = count_cells(data)
    if cells > MAX_CELLS:
        raise UnsafeFileError(f"The {what} {path}: sheet part {part} has {cells:,} cells, above the limit of "
                              f"{MAX_CELLS:,}.")


def check_parts(path, parts: dict[str, bytes], what: str = "template") -> None:
    """Cell count of every worksheet part already read."""
    for name, data in parts.items():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            check_sheet(path, name, data, what)


def check_file(path: str | Path, what: str = "file") -> None:
    """Every limit, for an Excel file that pandas or openpyxl is about to read (results, targets, CLD)."""
    path = Path(path)
    if not zipfile.is_zipfile(path):
        return  # not a zip: the reader itself says what is wrong
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(path, archive, what)
            for info in archive.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    cells, tail = 0, b""
                    with archive.open(info) as handle:  # streamed: a tag cut between chunks is counted once
                        while chunk := handle.read(1 << 20):
                            block = tail + chunk
                            cells += count_cells(block)
                            tail = block[-2:]
                    if cells > MAX_CELLS:
                        raise UnsafeFileError(f"The {what} {path}: sheet part {info.filename} has {cells:,} cells, "
                                              f"above the limit of {MAX_CELLS:,}.")
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise UnsafeFileError(f"The {what} {path} is a damaged Excel file ({type(exc).__name__}).") from None


def xml_refusal(exc: BaseException, path, what: str = "template") -> S75Error | None:
    """One sentence for defusedxml's refusals (entities, DTDs, external references), else None."""
    try:
        from defusedxml.common import DefusedXmlException
    except ImportError:  # pragma: no cover
        return None
    if isinstance(exc, DefusedXmlException):
        return UnsafeFileError(f"The {what} {path} declares XML entities or external references, which Excel never "
                               "writes; it is refused as unsafe.")
    return None
