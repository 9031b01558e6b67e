"""The classic xlwings route (desktop Excel on Windows), checked on Linux as far as it can be.

With stand-ins for pywin32's modules, xlwings' real classic decorators and VBA generator run
(shared/reference/xlwings.md section 1.6), so we check the VBA that "Import Functions" would put
in the workbook, and that the functions called the classic way return error text, never a
traceback. Runs in a fresh interpreter: the rest of the suite imports xlwings in server mode.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = r'''
import io, json, os, sys, types
os.environ.pop("XLWINGS_ON_SERVER", None)
for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["pythoncom"].CoInitialize = lambda: None
sys.modules["win32com.client"].Dispatch = lambda *a, **k: None
import xlwings as xw
import xlwings.udfs as classic
xw.func, xw.arg, xw.ret = classic.xlfunc, classic.xlarg, classic.xlret
sys.path.insert(0, sys.argv[1])
import s75xl_functions as F
class AddIn:
    Name = "s75xl.xlam"
vba = io.StringIO()
classic.generate_vba_wrapper("s75xl_functions", F, vba, AddIn())
print(json.dumps({
    "vba": vba.getvalue(),
    "rate": F.ascof_rate([[80]], [[507180]], "2A(1)"),
    "div0": F.ascof_rate([[3]], [[0]], "1E"),
    "bad_code": F.ascof_rate([[1]], [[2]], "2X"),
    "reason": F.ascof_reason([[1]], [[2]], "2X"),
}))
'''


def run_classic():
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_ON_SERVER"}
    udfs = Path(__file__).parent.parent / "udfs"
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(udfs)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_classic_vba_wrappers_and_calls():
    out = run_classic()
    vba = out["vba"]
    assert "Function ascof_rate(numerator, denominator, measure, Optional months)" in vba
    assert 'XLPy.CallUDF("s75xl_functions", "ascof_rate", Array(numerator, denominator, measure, months), ActiveWorkbook, Application.Caller)' in vba
    for name in ("ascof_round", "ascof_ci", "ascof_target", "ascof_rag", "ascof_exception", "s75_rating", "ascof_info",
                 "spc_limits", "spc_points", "spc_variation", "spc_assurance", "ascof_rates", "ascof_assess", "ascof_reason"):
        assert f"Function {name}(" in vba, name
    assert out["rate"][0][0] == 15.773492645609053
    assert out["div0"] == [["#DIV/0!"]] and out["bad_code"] == [["#VALUE!"]]
    assert out["reason"][0][0].startswith("Unknown measure '2X'")
