"""A fast scan of one worksheet's cells, giving exactly what openpyxl's cell parser gives.

Filling a template reads one sheet (the dashboard) to find its labels; openpyxl's
`WorkSheetParser` builds an element per cell and per child, and parses conditional formats and
extension lists nobody asked for, which cost more than all the rest of a fill. Here the cells of
`<sheetData>` are taken with a few regular expressions over the part's text, and each value is
converted by openpyxl's own rules (values.py says which), so the rows are the same.

It is only used where it is exact: the part must be well-formed XML (checked by expat, with no
DOCTYPE), in the spreadsheet namespace without prefixes, and its sheet data must hold nothing but
rows, cells and their values, formulas and inline strings (no comments, CDATA, extension lists or
namespace declarations). Anything else makes `scan_cells` return None, and the caller falls back
to openpyxl's parser. Shared strings are read lazily: only the strings the sheet refers to, from
the start of the table to the last one needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pyexpat import ExpatError, ParserCreate

MAIN_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET_DATA = re.compile(r"<sheetData\b[^>]*?(?:/>|>(.*?)</sheetData>)", re.S)
ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
VALUE = re.compile(r"<v\b[^>]*?(?:/>|>(.*?)</v>)", re.S)
FORMULA = re.compile(r"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
INLINE = re.compile(r"<is\b[^>]*?(?:/>|>(.*?)</is>)", re.S)
RUN = re.compile(r"<r\b[^>]*?(?:/>|>(.*?)</r>)", re.S)
PHONETIC = re.compile(r"<rPh\b[^>]*?(?:/>|>.*?</rPh>)", re.S)
TEXT = re.compile(r"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
SHARED_ITEM = re.compile(r"<si\b[^>]*?(?:/>|>(.*?)</si>)", re.S)
# One match per piece of sheet data, in three kinds: the usual cell as Excel writes it (groups 1-5:
# column letters, row digits, style, type, plain value), a row's opening tag (6), any other cell
# (7: its attributes, 8: its content).
PIECE = re.compile(r'<c r="([A-Z]{1,3})([0-9]+)"(?: s="([0-9]+)")?(?: t="([a-z]+)")?(?:/>|><v>([^<&\r]*)</v></c>)'
                   r"|(<row\b[^>]*?)/?>"
                   r"|<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
REF = re.compile(r"([A-Z]{1,3})([0-9]+)")
ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
UNSURE = ("<!--", "<![CDATA[", "<?", "xmlns", "<extLst")  # inside sheetData: openpyxl decides
PREFIXED = re.compile(r"</?[\w.-]+:")


class Declared(Exception):
    """The part declares a DOCTYPE or entities, which Excel never writes."""


class Unsure(Exception):
    """Something the scan does not model exactly: the caller falls back to openpyxl's parser."""


def well_formed(data: bytes) -> None:
    """Raise ExpatError unless data is well-formed XML, Declared if it has a DOCTYPE (C speed, no
    tree built)."""
    parser = ParserCreate()

    def refuse(*_):
        raise Declared()

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.Parse(data, True)


def text_of(raw: str) -> str:
    """XML character data as a parser gives it: line ends normalised, the five entities and
    character references replaced."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if "&" not in raw:
        return raw
    return ENTITY.sub(_entity, raw)


def _entity(match: re.Match) -> str:
    name = match.group(1)
    if name[0] != "#":
        return NAMED[name]
    return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))


def attrs_of(raw: str) -> dict[str, str]:
    out = {}
    for name, double, single in ATTR.findall(raw):
        value = double if double or not single else single
        if "&" in value or "\t" in value or "\n" in value or "\r" in value:
            value = text_of(value.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " "))
        out[name] = value
    return out


def rich_text(body: str | None) -> str:
    """openpyxl's `Text.content` of an `<is>` or `<si>` body: its plain `<t>`, then its runs' `<t>`s
    (phonetic runs left out)."""
    if not body:
        return ""
    if body.startswith("<t>") and body.endswith("</t>") and body.count("<") == 2:
        return text_of(body[3:-4])
    body = PHONETIC.sub("", body)
    runs = [m.group(1) or "" for m in RUN.finditer(body)]
    plain = TEXT.search(RUN.sub("", body))
    pieces = [text_of(plain.group(1) or "")] if plain else []
    for run in runs:
        found = TEXT.search(run)
        if found:
            pieces.append(text_of(found.group(1) or ""))
    return "".join(pieces)


class SharedStrings:
    """The shared string table, read up to the highest index asked for, one string at a time.

    The part is checked for what the scan does not model (comments, CDATA, prefixes) only as far as
    it is read, so a large table costs little when a dashboard uses its first strings."""

    def __init__(self, data: bytes | None):
        self.text = data.decode("utf-8") if data else ""
        self.items = SHARED_ITEM.finditer(self.text)
        self.bodies: list[str | None] = []
        self.done: dict[int, str] = {}
        self.checked = 0  # the text before this offset holds nothing the scan does not model

    def __getitem__(self, index: int) -> str:
        if index in self.done:
            return self.done[index]
        if index < 0:
            raise IndexError(index)
        while len(self.bodies) <= index:
            item = next(self.items, None)
            if item is None:
                raise IndexError(index)
            read = self.text[self.checked:item.end()]
            if "<!--" in read or "<![CDATA[" in read or PREFIXED.search(read):
                raise Unsure("shared strings")
            self.checked = item.end()
            self.bodies.append(item.group(1))
        text = rich_text(self.bodies[index]).replace("x005F_", "")
        self.done[index] = text
        return text


@dataclass
class Scan:
    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    styles: dict[tuple[int, int], int] = field(default_factory=dict)  # (row, column) -> style index
    max_row: int = 0
    max_col: int = 0


def scan_cells(text: str, strings, convert, dates: set[int]) -> Scan | None:
    """Every cell of the sheet's text as (row, column) -> value and style, or None where the sheet
    holds something this scan does not model. `strings` is indexable (shared strings);
    `convert(kind, raw, style, ref)` turns a typed value (a date, a boolean, an error, any number in a
    style of `dates`) as openpyxl does."""
    match = SHEET_DATA.search(text)
    if match is None or MAIN_NS not in text[:match.start()]:
        return None
    body = match.group(1) or ""
    if any(mark in body for mark in UNSURE) or PREFIXED.search(body):
        return None
    try:
        return _scan(body, strings, convert, dates)
    except Unsure:
        return None


def _scan(body: str, strings, convert, dates: set[int]) -> Scan:
    scan = Scan()
    cells, styles = scan.cells, scan.styles
    shared_formulas: dict[str, object] = {}
    columns: dict[str, int] = {}
    row_counter = col_counter = max_row = max_col = 0
    for letters, digits, style, kind, raw, row, attributes, content in PIECE.findall(body):
        if letters:  # the usual cell: r, s and t in Excel's order, a plain value or none
            column = columns.get(letters) or columns.setdefault(letters, _column(letters))
            r = int(digits)
            style = int(style) if style else 0
            if not raw:
                value = None
            elif kind in ("", "n") and style not in dates:
                value = float(raw) if "." in raw or "E" in raw or "e" in raw else int(raw)
            elif kind == "s":
                value = _shared(strings, raw)
            else:
                value = _typed(convert, kind or "n", text_of(raw), style, letters + digits)
        elif row:  # a row's opening tag
            number = attrs_of(row).get("r")
            if number is not None:
                try:
                    row_counter = int(number)
                except ValueError:
                    raise Unsure("row number") from None
            else:
                row_counter += 1
            max_row = max(max_row, row_counter)
            col_counter = 0
            continue
        else:  # any other cell: attributes in another order or more of them, formulas, inline text
            attrs = attrs_of(attributes)
            ref = attrs.get("r")
            if ref:
                parts = REF.fullmatch(ref)
                if parts is None:
                    raise Unsure("cell reference")
                letters = parts.group(1)
                column = columns.get(letters) or columns.setdefault(letters, _column(letters))
                r = int(parts.group(2))
            else:
                r, column = row_counter, col_counter + 1
            style = int(attrs["s"]) if attrs.get("s") else 0
            value = _value(content, attrs.get("t", "n"), style, ref, strings, convert, shared_formulas)
        col_counter = column
        key = r, column
        cells[key] = value
        styles[key] = style
        if r > max_row:
            max_row = r
        if column > max_col:
            max_col = column
    scan.max_row, scan.max_col = max_row, max_col
    return scan


def _shared(strings, raw: str) -> str:
    try:
        return strings[int(raw)]
    except (ValueError, IndexError):
        raise Unsure("shared string index") from None


def _typed(convert, kind: str, raw: str, style: int, ref: str | None):
    try:
        return convert(kind, raw, style, ref)
    except (ValueError, TypeError, OverflowError):
        raise Unsure("value") from None


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _value(content: str | None, kind: str, style: int, ref: str | None, strings, convert, shared_formulas):
    if not content:
        return None
    found = VALUE.search(content)
    raw = found.group(1) if found else None
    formula = FORMULA.search(content)
    if formula is not None:
        return _formula(formula, ref, shared_formulas)
    if kind == "inlineStr":
        inline = INLINE.search(content)
        return None if inline is None else rich_text(inline.group(1))
    if not raw:
        return None
    raw = text_of(raw)
    if kind == "s":
        return _shared(strings, raw)
    if kind == "str":
        return raw
    return _typed(convert, kind, raw, style, ref)


def _formula(found: re.Match, ref: str | None, shared_formulas: dict):
    attrs = attrs_of(found.group(1))
    value = "=" + text_of(found.group(2)) if found.group(2) else "="
    kind = attrs.get("t")
    if kind == "array":
        from openpyxl.worksheet.formula import ArrayFormula

        return ArrayFormula(ref=attrs.get("ref"), text=value)
    if kind == "shared":
        if ref is None:
            raise Unsure("shared formula without a cell reference")
        from openpyxl.formula.translate import Translator

        index = attrs.get("si")
        if index in shared_formulas:
            return shared_formulas[index].translate_formula(ref)
        if value != "=":
            shared_formulas[index] = Translator(value, ref)
        return value
    if kind == "dataTable":
        from openpyxl.worksheet.formula import DataTableFormula

        return DataTableFormula(**attrs)
    return value
