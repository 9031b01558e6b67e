"""The Server/Wasm and Lite routes: the Office add-in's tab is the desktop tab, every button reaches
its script, and the Lite scripts give the same actions as the Server scripts."""

from __future__ import annotations

import asyncio
import copy
import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import xlwings as xw
from lxml import etree

from s75xl.excel import officejs, scripts
from tests.test_excel_remote import TEMPLATES, payload, run

ROOT = Path(__file__).parent.parent
CUSTOM_UI = ROOT / "workbooks" / "addin" / "customUI" / "customUI14.xml"
OFFICEJS = ROOT / "workbooks" / "officejs"
LITE = ROOT / "workbooks" / "lite" / "main.py"
OA = "{http://schemas.microsoft.com/office/taskpaneappversionoverrides}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


def test_the_committed_officejs_files_are_what_the_customui_generates():
    for name, data in officejs.files(CUSTOM_UI.read_bytes()).items():
        assert (OFFICEJS / name).read_bytes() == data, f"workbooks/officejs/{name} is stale: regenerate it"


def test_the_manifest_tab_has_the_desktop_tabs_buttons_in_order_each_an_executefunction():
    root = etree.parse(str(OFFICEJS / "manifest.xml")).getroot()
    controls = list(root.iter(f"{OA}Control"))
    assert [c.get("id") for c in controls] == ["s75Refresh", "s75FlagExceptions", "s75BuildPack", "s75RefreshBudget",
                                              "s75CheckData", "s75Settings"]
    actions = [c.find(f"{OA}Action") for c in controls]
    assert {a.get(f"{XSI}type") for a in actions} == {"ExecuteFunction"}
    labels = {s.get("id"): s.get("DefaultValue") for s in root.iter("{http://schemas.microsoft.com/office/officeappbasictypes/1.0}String")}
    assert [labels[f"{c.get('id')}.Label"] for c in controls] == ["Refresh", "Flag exceptions", "Build pack",
                                                                 "Refresh budget", "Check data", "Settings"]
    resids = {e.get("resid") for e in root.iter() if e.get("resid")}
    defined = {e.get("id") for e in root.iter() if e.tag.endswith(("}String", "}Image", "}Url")) and e.get("id")}
    assert resids <= defined, resids - defined


def test_every_button_function_is_bound_in_ribbon_js_to_a_script_that_exists_on_both_routes():
    js = (OFFICEJS / "ribbon.js").read_text()
    lite = _lite_module()
    for button in officejs.buttons(CUSTOM_UI.read_bytes()):
        assert f'"{button["function"]}": "{button["script"]}"' in js
        assert callable(getattr(scripts, button["script"])) and callable(getattr(lite, button["script"]))


def test_ribbon_js_parses():
    node = shutil.which("node")
    if node is None:
        if os.environ.get("S75XL_REQUIRE_NODE"):
            pytest.fail("node is required here (S75XL_REQUIRE_NODE is set) but not installed.")
        pytest.skip("node is not installed")
    subprocess.run([node, "--check", str(OFFICEJS / "ribbon.js")], check=True)


def test_the_icons_are_pngs_of_their_size():
    for size in (16, 32, 80):
        data = (OFFICEJS / f"s75-{size}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(data[16:20], "big") == size


def _lite_module():
    spec = importlib.util.spec_from_file_location("s75xl_lite_main", LITE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", ["s75_refresh", "s75_flag_exceptions", "s75_settings"])
def test_a_lite_script_sends_the_same_actions_as_the_server_script(script):
    body = payload(TEMPLATES / "vital_signs_dashboard.xlsx")
    book = xw.Book(json=copy.deepcopy(body))
    asyncio.run(xw.server.custom_scripts_call(_lite_module(), script, typehint_to_value={xw.Book: book}))
    assert book.json()["actions"] == run(script, body) != []


def test_lite_sheet_buttons_are_declared_for_every_script():
    meta = xw.server.custom_scripts_meta(_lite_module())
    buttons = {m["function_name"]: m.get("button") for m in meta}
    assert buttons["s75_refresh"] == "[s75Refresh]S75!B3" and all(buttons.values()) and len(buttons) == 6
