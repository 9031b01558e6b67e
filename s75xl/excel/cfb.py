"""A minimal Compound File Binary writer ([MS-CFB] version 3), enough for a vbaProject.bin.

A compound file is a small file system inside one file: 512-byte sectors chained by a FAT,
streams under 4096 bytes packed into 64-byte mini sectors, and a directory of 128-byte entries
whose siblings form a red-black tree. This writer lays it out in a fixed order with zero
timestamps and class ids, so the same streams always give the same bytes.

Layout: header, FAT sectors, directory sectors, mini FAT sectors, the mini stream, then the large
streams. Sibling trees are balanced by halving the sorted names; the nodes on an unfilled last
level are red and all others black, which keeps the red-black rules (MS-CFB 2.6.4).
"""

from __future__ import annotations

import struct

SECTOR, MINI = 512, 64
MINI_CUTOFF = 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1


def _key(name: str) -> tuple[int, str]:
    """Sibling order: shorter names first, then by upper-case name (MS-CFB 2.6.4)."""
    return len(name), name.upper()


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b""):
        self.name, self.kind, self.data = name, kind, data
        self.children: dict[str, _Entry] = {}
        self.left = self.right = self.child = NOSTREAM
        self.colour = BLACK
        self.start, self.size = END, len(data) if kind == STREAM else 0
        self.index = 0


def _tree(entries: list[_Entry]) -> int:
    """Link the entries as a balanced sibling tree; the index of its root."""
    ordered = sorted(entries, key=lambda e: _key(e.name))
    depth_of: dict[int, int] = {}

    def build(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = ordered[mid]
        depth_of[id(node)] = depth
        node.left, node.right = build(lo, mid, depth + 1), build(mid + 1, hi, depth + 1)
        return node.index

    root = build(0, len(ordered), 0)
    deepest = max(depth_of.values(), default=0)
    full = len(ordered) == 2 ** (deepest + 1) - 1
    for node in ordered:
        node.colour = RED if depth_of[id(node)] == deepest and not full and deepest > 0 else BLACK
    return root


def _chain(table: list[int], start: int, count: int) -> None:
    for i in range(count):
        table[start + i] = start + i + 1 if i < count - 1 else END


def _sectors(data: bytes, size: int) -> int:
    return (len(data) + size - 1) // size


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\x00" * (-len(data) % size)


def write(streams: dict[str, bytes]) -> bytes:
    """A compound file holding `streams`, keyed by path ("VBA/dir", "PROJECT", ...)."""
    root = _Entry("Root Entry", ROOT)
    for path, data in streams.items():
        *folders, leaf = path.split("/")
        parent = root
        for folder in folders:
            parent = parent.children.setdefault(folder, _Entry(folder, STORAGE))
        parent.children[leaf] = _Entry(leaf, STREAM, data)

    entries: list[_Entry] = []

    def number(entry: _Entry) -> None:  # depth first, in sibling order
        entry.index = len(entries)
        entries.append(entry)
        for child in sorted(entry.children.values(), key=lambda e: _key(e.name)):
            number(child)

    number(root)
    for entry in entries:
        if entry.children:
            entry.child = _tree(list(entry.children.values()))
    root.colour = BLACK

    small = [e for e in entries if e.kind == STREAM and 0 < e.size < MINI_CUTOFF]
    large = [e for e in entries if e.kind == STREAM and e.size >= MINI_CUTOFF]
    mini_fat: list[int] = []
    mini_stream = bytearray()
    for e in small:
        e.start = len(mini_fat)
        count = _sectors(e.data, MINI)
        mini_fat += [FREE] * count
        _chain(mini_fat, e.start, count)
        mini_stream += _pad(e.data, MINI)
    mini_fat_bytes = _pad(b"".join(struct.pack("<I", v) for v in mini_fat), SECTOR) if mini_fat else b""

    dir_sectors = _sectors(b"\x00" * (128 * len(entries)), SECTOR)
    mini_fat_sectors = len(mini_fat_bytes) // SECTOR
    mini_stream_sectors = _sectors(mini_stream, SECTOR)
    large_sectors = [_sectors(e.data, SECTOR) for e in large]
    body = dir_sectors + mini_fat_sectors + mini_stream_sectors + sum(large_sectors)
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < fat_sectors + body:
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("the streams are too large for a compound file without DIFAT sectors")

    fat = [FREE] * (fat_sectors * SECTOR // 4)
    for i in range(fat_sectors):
        fat[i] = FATSECT
    at = fat_sectors
    dir_start = at
    _chain(fat, at, dir_sectors)
    at += dir_sectors
    mini_fat_start = at if mini_fat_sectors else END
    _chain(fat, at, mini_fat_sectors)
    at += mini_fat_sectors
    root.start, root.size = (at, len(mini_stream)) if mini_stream else (END, 0)
    _chain(fat, at, mini_stream_sectors)
    at += mini_stream_sectors
    for e, count in zip(large, large_sectors):
        e.start = at
        _chain(fat, at, count)
        at += count

    directory = bytearray()
    for e in entries:
        name = e.name.encode("utf-16-le") + b"\x00\x00"
        directory += struct.pack("<64sHBBIII16sIQQIQ", name, len(name), e.kind, e.colour, e.left, e.right, e.child,
                                 b"\x00" * 16, 0, 0, 0, e.start if e.kind != STORAGE else 0, e.size)
    directory = _pad(bytes(directory), SECTOR)
    directory = bytearray(directory)
    for offset in range(128 * len(entries), len(directory), 128):  # unused entries: no siblings, no child
        directory[offset + 68:offset + 80] = struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM)

    difat = [i for i in range(fat_sectors)] + [FREE] * (109 - fat_sectors)
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("D0CF11E0A1B11AE1"), b"\x00" * 16, 0x003E, 0x0003,
                         0xFFFE, 9, 6, b"\x00" * 6, 0, fat_sectors, dir_start, 0, MINI_CUTOFF, mini_fat_start,
                         mini_fat_sectors, END, 0)
    header += struct.pack("<109I", *difat)
    parts = [header, b"".join(struct.pack("<I", v) for v in fat), bytes(directory), mini_fat_bytes,
             _pad(bytes(mini_stream), SECTOR)]
    parts += [_pad(e.data, SECTOR) for e in large]
    return b"".join(parts)
