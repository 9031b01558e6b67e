"""Writing a zip whose unchanged entries are copied as their original compressed bytes.

Python's zipfile can only write an entry by compressing it, so copying a template with it
inflates and deflates every part again: a 20 MB template's data sheets cost far more than the
one sheet s75xl patches. The zip format does not need that (APPNOTE.TXT 4.3: an entry is a local
header, its compressed data and an optional data descriptor, indexed by a central directory at
the end). So each unchanged entry's local record is copied byte for byte (runs of neighbouring
entries in one copy), each changed part gets a fresh local header and is deflated, and a new
central directory points at where everything now sits. Entries keep their order, names, dates,
attributes, comments and extra fields.

Archives that need ZIP64 (parts or offsets beyond 4 GiB, or 65,535 entries, or ZIP64 extra
fields written by a tool for small files) are rare for workbooks; for them the whole archive is
written by zipfile, recompressing every part, as before.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from pathlib import Path

LOCAL = struct.Struct("<4s2B4HL2L2H")  # the 30-byte local file header
CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # the 46-byte central directory header
END = struct.Struct("<4s4H2LH")  # the 22-byte end of central directory record
LIMIT = 0xFFFFFFFF


class ZipCopyError(Exception):
    """The source archive is not what its directory says (damaged or truncated)."""


def write_zip(source: str | Path, target: str | Path, entries: list[tuple[zipfile.ZipInfo, bytes | None]],
              comment: bytes = b"") -> None:
    """Write target holding `entries` in order: (info from source, new bytes or None to copy as is)."""
    if _needs_zip64(entries):
        _rewrite(source, target, entries, comment)
        return
    central = []
    with open(source, "rb") as src, open(target, "wb") as out:
        run: list[int] = []  # [start, end] of the source bytes waiting to be copied in one go
        for info, data in entries:
            offset = out.tell() + (run[1] - run[0] if run else 0)
            if data is None:
                start, end = _local_span(src, info)
                if run and run[1] == start:
                    run[1] = end
                else:
                    _copy(src, out, run)
                    run = [start, end]
                central.append(_central(info, info, offset))
            else:
                _copy(src, out, run)
                run = []
                fresh, packed = _fresh_info(info, data)
                out.write(_local_header(fresh) + fresh.orig_filename.encode(_encoding(fresh)) + packed)
                central.append(_central(info, fresh, offset))
        _copy(src, out, run)
        start = out.tell()
        out.write(b"".join(central))
        size = out.tell() - start
        if start > LIMIT or len(central) >= 0xFFFF:
            raise ZipCopyError("the new archive would need ZIP64")
        out.write(END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), size, start, len(comment)) + comment)


def _needs_zip64(entries) -> bool:
    if len(entries) >= 0xFFFF:
        return True
    for info, data in entries:
        if max(info.file_size, info.compress_size, info.header_offset) >= LIMIT or (data is not None and len(data) >= LIMIT):
            return True
        if _has_zip64_extra(info.extra):
            return True
    return False


def _has_zip64_extra(extra: bytes) -> bool:
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<2H", extra, at)
        if kind == 0x0001:
            return True
        at += 4 + length
    return False


def _encoding(info: zipfile.ZipInfo) -> str:
    return "utf-8" if info.flag_bits & 0x800 else "cp437"


def _local_span(src, info: zipfile.ZipInfo) -> tuple[int, int]:
    """Where the entry's local record (header, name, extra, data, descriptor) lies in the source."""
    src.seek(info.header_offset)
    header = src.read(LOCAL.size)
    if len(header) < LOCAL.size or header[:4] != b"PK\x03\x04":
        raise ZipCopyError(f"no local header for {info.filename}")
    fields = LOCAL.unpack(header)
    data_end = info.header_offset + LOCAL.size + fields[10] + fields[11] + info.compress_size
    if info.flag_bits & 0x08:
        src.seek(data_end)
        signature = src.read(4)
        data_end += 16 if signature == b"PK\x07\x08" else 12
    src.seek(0, os.SEEK_END)
    if data_end > src.tell():
        raise ZipCopyError(f"{info.filename} is truncated")
    return info.header_offset, data_end


def _copy(src, out, run: list[int]) -> None:
    """Copy source bytes run[0]:run[1] to the end of out, in the kernel where it can."""
    if not run:
        return
    start, end = run
    out.flush()
    left = end - start
    try:
        while left:
            done = os.copy_file_range(src.fileno(), out.fileno(), left, start, out.tell())
            if done == 0:
                raise ZipCopyError("the template ended early")
            start, left = start + done, left - done
            out.seek(0, os.SEEK_END)
        return
    except (AttributeError, OSError):  # no copy_file_range here (or across file systems): copy through Python
        pass
    src.seek(start)
    while left:
        chunk = src.read(min(left, 1 << 20))
        if not chunk:
            raise ZipCopyError("the template ended early")
        out.write(chunk)
        left -= len(chunk)


def _fresh_info(old: zipfile.ZipInfo, data: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    """An entry for changed bytes (and the bytes as stored): the old name and date; deflated unless
    the old entry was stored."""
    info = zipfile.ZipInfo(old.filename, date_time=old.date_time)
    info.orig_filename = old.orig_filename
    info.flag_bits = old.flag_bits & 0x800
    info.compress_type = zipfile.ZIP_STORED if old.compress_type == zipfile.ZIP_STORED else zipfile.ZIP_DEFLATED
    info.CRC = zlib.crc32(data)
    info.file_size = len(data)
    if info.compress_type == zipfile.ZIP_DEFLATED:
        packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        packed = packer.compress(data) + packer.flush()
    else:
        packed = data
    info.compress_size = len(packed)
    info.extra = b""
    return info, packed


def _dos(date_time) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return h << 11 | mi << 5 | s // 2, (y - 1980) << 9 | mo << 5 | d


def _local_header(info: zipfile.ZipInfo) -> bytes:
    time, date = _dos(info.date_time)
    return LOCAL.pack(b"PK\x03\x04", 20, 0, info.flag_bits, info.compress_type, time, date, info.CRC,
                      info.compress_size, info.file_size, len(info.orig_filename.encode(_encoding(info))), 0)


def _central(old: zipfile.ZipInfo, info: zipfile.ZipInfo, offset: int) -> bytes:
    """The central directory record: `info`'s sizes and flags, `old`'s attributes and comment."""
    if offset > LIMIT:
        raise ZipCopyError("the new archive would need ZIP64")
    time, date = _dos(info.date_time)
    name = info.orig_filename.encode(_encoding(info))
    fresh = info is not old
    create_version, extract_version = (20, 20) if fresh else (old.create_version, old.extract_version)
    return CENTRAL.pack(b"PK\x01\x02", create_version, old.create_system, extract_version, 0 if fresh else old.reserved,
                        info.flag_bits, info.compress_type, time, date, info.CRC, info.compress_size, info.file_size,
                        len(name), len(info.extra), len(old.comment), 0, old.internal_attr, old.external_attr,
                        offset) + name + info.extra + old.comment


def _rewrite(source, target, entries, comment: bytes) -> None:
    """The ZIP64 route: zipfile writes every part again (each unchanged one inflated and deflated)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", allowZip64=True) as new:
        for info, data in entries:
            clone = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            clone.compress_type = info.compress_type
            clone.external_attr = info.external_attr
            new.writestr(clone, old.read(info) if data is None else data)
        new.comment = comment
