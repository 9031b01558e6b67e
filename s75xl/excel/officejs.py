"""The S75 tab for xlwings Server and xlwings Wasm: an Office add-in manifest and its JavaScript.

Councils without Python on their PCs get the same tab from an Office add-in (Excel on Windows,
Mac and the web). Its buttons are drawn from the same `customUI14.xml` as the desktop add-in's,
so the two tabs cannot drift apart: each ``<button>`` becomes a manifest ``Control`` whose
``ExecuteFunction`` action is bound in `ribbon.js` to ``xlwings.runPython({scriptName})``, which
runs the script of that name in `s75xl/excel/scripts.py` on the server (or in the browser, with
Wasm). `write` regenerates `workbooks/officejs/`; a test checks the committed files are current.

The manifest points at ``BASE_URL`` (xlwings Server's address on a developer's PC); a council
replaces it with its own server's HTTPS address before uploading the manifest in the Microsoft 365
admin centre (docs/ribbon.md).
"""

from __future__ import annotations

import re
import struct
import uuid
import zlib
from pathlib import Path
from xml.sax.saxutils import quoteattr

BASE_URL = "https://127.0.0.1:8000"
MANIFEST_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "s75xl:officejs:S75"))
CUSTOMUI = "{http://schemas.microsoft.com/office/2009/07/customui}"
ICON_COLOURS = {"s75": (0x1F, 0x4E, 0x79)}  # the tab's colour, a dark blue


def buttons(custom_ui: bytes) -> list[dict]:
    """Each button of the S75 tab: group, id, label, tips, and the macro its callback runs."""
    from lxml import etree

    root = etree.fromstring(custom_ui)
    out = []
    for group in root.iter(f"{CUSTOMUI}group"):
        for button in group.iter(f"{CUSTOMUI}button"):
            sub = button.get("onAction").rpartition(".")[2]  # S75_FlagExceptions -> flag_exceptions
            macro = re.sub(r"(?<!^)(?=[A-Z])", "_", sub.removeprefix("S75_")).lower()
            out.append({"group": group.get("id"), "group_label": group.get("label"), "id": button.get("id"),
                        "label": button.get("label"), "screentip": button.get("screentip"),
                        "supertip": button.get("supertip"), "macro": macro,
                        "function": "s75-" + macro.replace("_", "-"), "script": "s75_" + macro})
    return out


def manifest(custom_ui: bytes, base_url: str = BASE_URL) -> str:
    """The Office add-in manifest (XML) with the S75 tab."""
    found = buttons(custom_ui)
    icons = "".join(f'<bt:Image size="{s}" resid="Icon.{s}"/>' for s in (16, 32, 80))
    groups: dict[str, list[dict]] = {}
    for b in found:
        groups.setdefault(b["group"], []).append(b)
    xml_groups = []
    for group_id, members in groups.items():
        controls = "".join(
            f'\n              <Control xsi:type="Button" id="{b["id"]}">'
            f'<Label resid="{b["id"]}.Label"/><Supertip><Title resid="{b["id"]}.Label"/>'
            f'<Description resid="{b["id"]}.Tip"/></Supertip><Icon>{icons}</Icon>'
            f'<Action xsi:type="ExecuteFunction"><FunctionName>{b["function"]}</FunctionName></Action></Control>'
            for b in members)
        xml_groups.append(f'\n            <Group id="{group_id}"><Label resid="{group_id}.Label"/><Icon>{icons}</Icon>'
                          f'{controls}\n            </Group>')
    short = [("S75.Tab", "S75")] + [(f"{g}.Label", m[0]["group_label"]) for g, m in groups.items()] + \
            [(f'{b["id"]}.Label', b["label"]) for b in found]
    long = [(f'{b["id"]}.Tip', b["supertip"]) for b in found]
    strings = lambda pairs: "".join(f'\n        <bt:String id="{i}" DefaultValue={quoteattr(v)}/>' for i, v in pairs)
    images = "".join(f'\n        <bt:Image id="Icon.{s}" DefaultValue="{base_url}/static/images/ribbon/s75-{s}.png"/>'
                     for s in (16, 32, 80))
    return f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- The S75 tab for xlwings Server / xlwings Wasm. Generated from workbooks/addin/customUI/customUI14.xml
     by s75xl.excel.officejs; replace {base_url} with your server's HTTPS address. -->
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0"
  xmlns:ov="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="TaskPaneApp">
  <Id>{MANIFEST_ID}</Id>
  <Version>1.0.0.0</Version>
  <ProviderName>s75xl</ProviderName>
  <DefaultLocale>en-GB</DefaultLocale>
  <DisplayName DefaultValue="S75"/>
  <Description DefaultValue="ASCOF and Section 75 performance reporting: refresh, flag exceptions, build the pack."/>
  <IconUrl DefaultValue="{base_url}/static/images/ribbon/s75-32.png"/>
  <HighResolutionIconUrl DefaultValue="{base_url}/static/images/ribbon/s75-80.png"/>
  <SupportUrl DefaultValue="{base_url}/"/>
  <AppDomains><AppDomain>{base_url}</AppDomain></AppDomains>
  <Hosts><Host Name="Workbook"/></Hosts>
  <Requirements><Sets DefaultMinVersion="1.1"><Set Name="SharedRuntime" MinVersion="1.1"/></Sets></Requirements>
  <DefaultSettings><SourceLocation DefaultValue="{base_url}/taskpane"/></DefaultSettings>
  <Permissions>ReadWriteDocument</Permissions>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Hosts>
      <Host xsi:type="Workbook">
        <Runtimes><Runtime resid="Taskpane.Url" lifetime="long"/></Runtimes>
        <DesktopFormFactor>
          <FunctionFile resid="Taskpane.Url"/>
          <ExtensionPoint xsi:type="PrimaryCommandSurface">
            <CustomTab id="S75Tab">{"".join(xml_groups)}
            <Label resid="S75.Tab"/>
            </CustomTab>
          </ExtensionPoint>
        </DesktopFormFactor>
      </Host>
    </Hosts>
    <Resources>
      <bt:Images>{images}
      </bt:Images>
      <bt:Urls>
        <bt:Url id="Taskpane.Url" DefaultValue="{base_url}/taskpane"/>
      </bt:Urls>
      <bt:ShortStrings>{strings(short)}
      </bt:ShortStrings>
      <bt:LongStrings>{strings(long)}
      </bt:LongStrings>
    </Resources>
  </VersionOverrides>
</OfficeApp>
'''


def ribbon_js(custom_ui: bytes) -> str:
    """The JavaScript that binds each button's function name to its xlwings script."""
    pairs = ",\n".join(f'  "{b["function"]}": "{b["script"]}"' for b in buttons(custom_ui))
    return f"""// The S75 tab's buttons (manifest.xml) run the scripts of s75xl/excel/scripts.py through xlwings.
// Generated from workbooks/addin/customUI/customUI14.xml by s75xl.excel.officejs. Load it in the
// task pane page after xlwings' own JavaScript (the page the manifest's Taskpane.Url serves).
const S75_BUTTONS = {{
{pairs}
}};

Office.onReady(() => {{
  for (const [functionName, scriptName] of Object.entries(S75_BUTTONS)) {{
    Office.actions.associate(functionName, async (event) => {{
      try {{
        await xlwings.runPython({{ scriptName }});
      }} finally {{
        event.completed();
      }}
    }});
  }}
}});
"""


def png(size: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain square icon (no imaging library needed): the tab's colour with a white border."""
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            edge = min(x, y, size - 1 - x, size - 1 - y) < max(1, size // 16)
            row += bytes((255, 255, 255)) if edge else bytes(rgb)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def files(custom_ui: bytes) -> dict[str, bytes]:
    """Every file of workbooks/officejs/, by name."""
    out = {"manifest.xml": manifest(custom_ui).encode("utf-8"), "ribbon.js": ribbon_js(custom_ui).encode("utf-8")}
    for size in (16, 32, 80):
        out[f"s75-{size}.png"] = png(size, ICON_COLOURS["s75"])
    return out


def write(custom_ui_path: Path, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files(custom_ui_path.read_bytes()).items():
        (folder / name).write_bytes(data)
        written.append(folder / name)
    return written
