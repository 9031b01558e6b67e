"""The S75 buttons for xlwings Lite: paste this file into the Lite editor's main.py.

xlwings Lite runs Python inside Excel (Windows, Mac and the web) from the store add-in, which has
its own ribbon button and cannot carry the S75 tab. So each S75 button is a script here, run from
Lite's script list (or F5), or from a button on a sheet: insert a shape, name it as in
``button=`` below (for example ``s75Refresh``) and give it a hyperlink to the cell named there on
a sheet called S75. Add ``s75xl`` to Lite's requirements.txt. Each script calls the same macro as
the desktop add-in's button, so the cells are the same.

The settings (S75 Settings sheet) must name files Lite can read: Lite runs in the browser, so
files are the workbook's own sheets' data or URLs, not paths on the PC (see docs/ribbon.md).
"""

import xlwings as xw
from xlwings import script

from s75xl.excel import macros


@script(button="[s75Refresh]S75!B3")
def s75_refresh(book: xw.Book):
    macros.refresh(book)


@script(button="[s75FlagExceptions]S75!B5")
def s75_flag_exceptions(book: xw.Book):
    macros.flag_exceptions(book)


@script(button="[s75BuildPack]S75!B7")
def s75_build_pack(book: xw.Book):
    macros.build_pack(book)


@script(button="[s75RefreshBudget]S75!B9")
def s75_refresh_budget(book: xw.Book):
    macros.refresh_budget(book)


@script(button="[s75CheckData]S75!B11")
def s75_check_data(book: xw.Book):
    macros.check_data(book)


@script(button="[s75Settings]S75!B13")
def s75_settings(book: xw.Book):
    macros.settings(book)
