"""Adding to a template the parts openpyxl drops or cannot write, for the fidelity tests:
x14 conditional formatting and data validation, a sparkline group, a shape and an image in the
drawing, a calculation chain, and a VBA project (which makes it an .xlsm).

The VBA project here is a placeholder binary: the writer must copy it byte for byte whatever it
holds, which is what is tested; it is not run.
"""

from __future__ import annotations

import base64
import re
import zipfile
from pathlib import Path

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
X14 = ('<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
       'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
       '<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
       '<x14:cfRule type="dataBar" id="{8A0F4C1E-0000-4000-8000-000000000001}"><x14:dataBar minLength="0" maxLength="100" '
       'negativeBarColorSameAsPositive="0" axisPosition="middle"><x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/>'
       '<x14:negativeFillColor rgb="FFFF0000"/><x14:axisColor rgb="FF000000"/></x14:dataBar></x14:cfRule>'
       '<xm:sqref>C5:O5</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext>'
       '<ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
       '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation '
       'type="list" allowBlank="1"><x14:formula1><xm:f>\'s75xl styles\'!$A$1:$A$2</xm:f></x14:formula1><xm:sqref>P20</xm:sqref>'
       '</x14:dataValidation></x14:dataValidations></ext>'
       '<ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
       '<x14:sparklineGroups xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:sparklineGroup displayEmptyCellsAs="gap">'
       '<x14:colorSeries rgb="FF376092"/><x14:sparklines><x14:sparkline><xm:f>Dashboard!C7:O7</xm:f><xm:sqref>Q7</xm:sqref>'
       '</x14:sparkline></x14:sparklines></x14:sparklineGroup></x14:sparklineGroups></ext></extLst>')
SHAPE = ('<xdr:twoCellAnchor><xdr:from><xdr:col>10</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>20</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>'
         '<xdr:to><xdr:col>13</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>24</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>'
         '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="90" name="Note"/><xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr>'
         '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr><xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>'
         'Figures are provisional</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>'
         '<xdr:oneCellAnchor><xdr:from><xdr:col>14</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>20</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>'
         '<xdr:ext cx="952500" cy="952500"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="91" name="Logo"/><xdr:cNvPicPr/></xdr:nvPicPr>'
         '<xdr:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="rIdLogo"/>'
         '<a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr>'
         '</xdr:pic><xdr:clientData/></xdr:oneCellAnchor>')


def enrich(source: Path, target: Path, *, vba: bool = True, calc_chain_cell: str | None = None) -> Path:
    """Copy an .xlsx with the extra parts added (as .xlsm when vba is True)."""
    with zipfile.ZipFile(source) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("</worksheet>", X14 + "</worksheet>").encode()
    drawing = next(n for n in parts if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n))
    parts[drawing] = parts[drawing].decode().replace("</xdr:wsDr>", SHAPE + "</xdr:wsDr>").encode()
    rels = drawing.replace("drawings/", "drawings/_rels/") + ".rels"
    parts[rels] = parts[rels].decode().replace("</Relationships>", '<Relationship Id="rIdLogo" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/logo.png"/></Relationships>').encode()
    parts["xl/media/logo.png"] = PNG
    types = parts["[Content_Types].xml"].decode()
    types = types.replace("<Default ", '<Default Extension="png" ContentType="image/png"/><Default ', 1)
    if calc_chain_cell:
        parts["xl/calcChain.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns="http://schemas.'
                                     f'openxmlformats.org/spreadsheetml/2006/main"><c r="{calc_chain_cell}" i="1"/></calcChain>').encode()
        types = types.replace("</Types>", '<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
        wb_rels = parts["xl/_rels/workbook.xml.rels"].decode()
        parts["xl/_rels/workbook.xml.rels"] = wb_rels.replace("</Relationships>", '<Relationship Id="rIdCalc" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>').encode()
    if vba:
        parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"placeholder VBA project " * 40
        types = types.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                              "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
        types = types.replace("</Types>", '<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
        wb_rels = parts["xl/_rels/workbook.xml.rels"].decode()
        parts["xl/_rels/workbook.xml.rels"] = wb_rels.replace("</Relationships>", '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>').encode()
    parts["[Content_Types].xml"] = types.encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return target
