"""The streams of a VBA project in the source-only form [MS-OVBA] asks writers to produce.

Microsoft's Office VBA File Format Structure ([MS-OVBA]) says a writer MUST set the
``_VBA_PROJECT`` version to 0xFFFF and leave out the performance cache (section 2.3.4.1), so that
Excel compiles the project from its source when it opens it. That is what this module writes: each
module stream holds only its compressed source (MODULEOFFSET 0), as EPPlus and LibreOffice write
them and as xlwings' own add-ins carry their xlwings module. Nothing here is random, so the same
sources always give the same bytes.

What is relied on, and how sure: that form is the one the specification requires of writers, and
the CMG/DPB/GC encryption here decrypts Excel's own values in xlwings' add-ins (tested); that Excel
opens such a project and compiles it is the specification's word and other writers' practice, not
tried here (no Excel): docs/ribbon.md lists the one check on Windows Excel before a release. That
SYSKIND only informs when there is no compiled code is unverified; 1 (32-bit Windows) is what
xlwings' own add-ins carry.

Sections of [MS-OVBA] followed: 2.4.1 compression, 2.3.4.2 the ``dir`` stream, 2.3.1 the
``PROJECT`` stream, 2.3.3 ``PROJECTwm``, 2.4.3 the CMG/DPB/GC data encryption.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass

CHUNK = 4096
MATCH_TRIES = 64  # earlier places tried per position: enough for source text, and bounded
CODEPAGE = 1252
LCID = 0x409
VBA_PROJECT_STREAM = b"\xcc\x61\xff\xff\x00\x01\x00"  # Reserved1 0x61CC, Version 0xFFFF, Reserved2 0, Reserved3 1
REFERENCES = (  # (name, libid): stdole for the basic types, Office for IRibbonControl
    ("stdole", "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation"),
    ("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\\Program Files\\Common Files\\Microsoft Shared\\"
               "OFFICE16\\MSO.DLL#Microsoft Office 16.0 Object Library"),
)


@dataclass(frozen=True)
class Module:
    """One VBA module: its name, kind ("standard", "class" or "document") and source as stored."""

    name: str
    kind: str
    source: str

    def __post_init__(self):
        if self.kind not in ("standard", "class", "document"):
            raise ValueError(f"module {self.name}: unknown kind {self.kind!r}")

    @property
    def stored(self) -> bytes:
        """The source as Excel stores it: CRLF line ends, code page 1252."""
        text = self.source.replace("\r\n", "\n").replace("\n", "\r\n")
        return text.encode("cp1252")


# --- 2.4.1 compression -----------------------------------------------------------------------

def _copy_token_shape(offset_in_chunk: int) -> tuple[int, int]:
    """(bit count of the offset part, maximum length) for a copy token at this position."""
    bits = max((offset_in_chunk - 1).bit_length(), 4)
    return bits, (0xFFFF >> bits) + 3


def _compress_chunk(data: bytes) -> bytes:
    """One chunk (at most 4096 bytes) as a CompressedChunk: header, then flag bytes and tokens."""
    out = bytearray()
    heads: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions in this chunk
    pos, end = 0, len(data)
    while pos < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            best_len, best_off = 0, 0
            if pos > 0:
                bits, max_len = _copy_token_shape(pos)
                limit = min(max_len, end - pos)
                for start in reversed(heads.get(data[pos:pos + 3], ())[-MATCH_TRIES:]):
                    length = 0
                    while length < limit and data[start + length] == data[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - start
                        if length == limit:
                            break
            if best_len >= 3:
                bits, _ = _copy_token_shape(pos)
                out += struct.pack("<H", ((best_off - 1) << (16 - bits)) | (best_len - 3))
                flags |= 1 << bit
                step = best_len
            else:
                out.append(data[pos])
                step = 1
            for p in range(pos, pos + step):
                if p + 3 <= end:
                    heads.setdefault(data[p:p + 3], []).append(p)
            pos += step
        out[flag_at] = flags
    if len(out) > CHUNK:
        if len(data) != CHUNK:
            raise ValueError("a short final chunk that does not compress cannot be stored")
        return struct.pack("<H", (CHUNK - 1) | 0x3000) + data  # a raw chunk: flag bit 0
    return struct.pack("<H", (len(out) + 2 - 3) | 0x3000 | 0x8000) + bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer: the signature byte 1, then each 4096-byte chunk compressed."""
    return b"\x01" + b"".join(_compress_chunk(data[i:i + CHUNK]) for i in range(0, len(data), CHUNK))


# --- 2.3.4.2 the dir stream ------------------------------------------------------------------

def _record(ident: int, payload: bytes) -> bytes:
    return struct.pack("<HI", ident, len(payload)) + payload


def _text_record(ident: int, text: str, unicode_ident: int | None = None) -> bytes:
    out = _record(ident, text.encode("cp1252"))
    if unicode_ident is not None:
        out += _record(unicode_ident, text.encode("utf-16-le"))
    return out


def dir_stream(project: str, modules: list[Module]) -> bytes:
    """The uncompressed ``dir`` stream: project information, references, modules."""
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", 1))  # SYSKIND: Win32, as xlwings' own add-ins
    out += _record(0x0002, struct.pack("<I", LCID))
    out += _record(0x0014, struct.pack("<I", LCID))
    out += _record(0x0003, struct.pack("<H", CODEPAGE))
    out += _text_record(0x0004, project)
    out += _text_record(0x0005, "", 0x0040)  # DOCSTRING
    out += _text_record(0x0006, "", 0x003D)  # HELPFILEPATH (twice, as the spec lays it out)
    out += _record(0x0007, struct.pack("<I", 0))  # HELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))  # LIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # VERSION: Reserved 4, major 1, minor 0
    out += _text_record(0x000C, "", 0x003C)  # CONSTANTS
    for name, libid in REFERENCES:
        out += _text_record(0x0016, name, 0x003E)
        body = libid.encode("cp1252")
        out += struct.pack("<HII", 0x000D, 4 + len(body) + 6, len(body)) + body + struct.pack("<IH", 0, 0)
    out += _record(0x000F, struct.pack("<H", len(modules)))
    out += _record(0x0013, struct.pack("<H", 0xFFFF))
    for module in modules:
        out += _text_record(0x0019, module.name)
        out += _record(0x0047, module.name.encode("utf-16-le"))
        out += _text_record(0x001A, module.name, 0x0032)
        out += _text_record(0x001C, "", 0x0048)  # DOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source only
        out += _record(0x001E, struct.pack("<I", 0))  # HELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # COOKIE
        out += _record(0x0021 if module.kind == "standard" else 0x0022, b"")
        out += _record(0x002B, b"")  # module terminator
    out += _record(0x0010, b"")  # dir terminator
    return bytes(out)


# --- 2.3.1 PROJECT, 2.3.3 PROJECTwm, 2.4.3 data encryption --------------------------------------

def encrypt(data: bytes, project_id: str, seed: int) -> str:
    """[MS-OVBA] 2.4.3.2: the hex text Excel keeps in CMG, DPB and GC."""
    version, key = 2, sum(project_id.encode("ascii")) & 0xFF
    out = [seed, seed ^ version, seed ^ key]
    unencrypted1, encrypted1, encrypted2 = key, seed ^ key, seed ^ version

    def put(byte: int) -> None:
        nonlocal unencrypted1, encrypted1, encrypted2
        enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte

    for _ in range((seed & 6) // 2):
        put(0)  # "ignored" bytes: any value will do; 0 keeps the build reproducible
    for byte in struct.pack("<I", len(data)) + data:
        put(byte)
    return bytes(out).hex().upper()


def decrypt(text: str, project_id: str) -> bytes:
    """The inverse of `encrypt` (used to check Excel's own values and our own)."""
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    if seed ^ version_enc != 2 or (seed ^ key_enc) != sum(project_id.encode("ascii")) & 0xFF:
        raise ValueError("not encrypted with this project's key")
    unencrypted1, encrypted1, encrypted2 = seed ^ key_enc, key_enc, version_enc
    plain = []
    for enc in raw[3:]:
        byte = enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack("<I", bytes(plain[ignored:ignored + 4]))[0]
    return bytes(plain[ignored + 4:ignored + 4 + length])


def project_id(project: str) -> str:
    """A fixed GUID for the project, derived from its name, so rebuilds are identical."""
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"s75xl:vba:{project}")).upper() + "}"


def project_stream(project: str, modules: list[Module]) -> bytes:
    """The PROJECT stream: module list, name, unprotected and visible, workspace positions."""
    pid = project_id(project)
    lines = [f'ID="{pid}"']
    for m in modules:
        if m.kind == "document":
            lines.append(f"Document={m.name}/&H00000000")
        elif m.kind == "class":
            lines.append(f"Class={m.name}")
        else:
            lines.append(f"Module={m.name}")
    lines += [f'Name="{project}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              f'CMG="{encrypt(bytes(4), pid, 0x11)}"',  # no protection
              f'DPB="{encrypt(bytes(1), pid, 0x22)}"',  # no password
              f'GC="{encrypt(bytes([0xFF]), pid, 0x33)}"',  # visible
              "", "[Host Extender Info]", "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
              "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def projectwm_stream(modules: list[Module]) -> bytes:
    """PROJECTwm: each module's name in code page 1252 and in UTF-16, then a terminator."""
    out = bytearray()
    for m in modules:
        out += m.name.encode("cp1252") + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out) + b"\x00\x00"


def streams(project: str, modules: list[Module]) -> dict[str, bytes]:
    """Every stream of vbaProject.bin by its path in the compound file."""
    out = {"PROJECT": project_stream(project, modules), "PROJECTwm": projectwm_stream(modules),
           "VBA/_VBA_PROJECT": VBA_PROJECT_STREAM, "VBA/dir": compress(dir_stream(project, modules))}
    for m in modules:
        out[f"VBA/{m.name}"] = compress(m.stored)
    return out
