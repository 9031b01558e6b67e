"""The ribbon's macros as xlwings Server / xlwings Wasm scripts, for councils without local Python.

The Office add-in (`workbooks/officejs/manifest.xml`) has the same S75 tab; each of its buttons
runs `xlwings.runPython({scriptName: "s75_refresh"})` (`workbooks/officejs/ribbon.js`), which calls
the script of that name here with the workbook as a Book. Each script is one line calling the
macro, so the cells are the desktop add-in's by construction. Register this module as the server's
custom scripts module (xlwings Server's ``custom_scripts`` setting).

Importing this module runs xlwings PRO's licence check (xlwings Server is PolyForm Noncommercial
or paid; see docs/ribbon.md, "Which route needs what licence").
"""

from __future__ import annotations

import xlwings as xw
from xlwings.server import script

from . import macros


@script
def s75_refresh(book: xw.Book):
    macros.refresh(book)


@script
def s75_flag_exceptions(book: xw.Book):
    macros.flag_exceptions(book)


@script
def s75_build_pack(book: xw.Book):
    macros.build_pack(book)


@script
def s75_refresh_budget(book: xw.Book):
    macros.refresh_budget(book)


@script
def s75_check_data(book: xw.Book):
    macros.check_data(book)


@script
def s75_settings(book: xw.Book):
    macros.settings(book)
