"""Calling a worksheet function the way Excel does through xlwings Server or Lite."""

from __future__ import annotations

import asyncio

import xlwings as xw
from xlwings import server

import s75xl_functions as FUNCTIONS

ERRORS = {"Div0": "#DIV/0!", "NotAvailable": "#N/A", "Value": "#VALUE!", "Num": "#NUM!"}


def call(name, *args, runtime="1.4"):
    """The 2-D result of =NAME(args), with real error values shown as their Excel text.

    Each argument is sent as Office.js sends it: a 2-D list (a scalar becomes [[value]]).
    """
    body = {"func_name": name, "args": [a if isinstance(a, list) else [[a]] for a in args],
            "caller_address": "[s75xl_functions_demo.xlsx]Functions!C2", "content_language": "en-GB",
            "version": xw.__version__, "client": "Office.js", "runtime": runtime}
    result = asyncio.run(server.custom_functions_call(body, FUNCTIONS))
    return [[ERRORS.get(c["errorType"], c) if isinstance(c, dict) and c.get("type") == "Error" else c
             for c in row] for row in result]
