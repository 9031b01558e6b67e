Attribute VB_Name = "S75Ribbon"
' The S75 tab's callbacks (customUI/customUI14.xml). Each runs one s75xl macro on the active
' workbook through xlwings' RunPython (module xlwings, embedded in this add-in). Kept thin on
' purpose: all the work is in Python (s75xl/excel/macros.py), so this file rarely changes.
Option Explicit

Public Sub S75_Refresh(control As IRibbonControl)
    RunPython "import s75xl.excel.macros as m; m.refresh()"
End Sub

Public Sub S75_FlagExceptions(control As IRibbonControl)
    RunPython "import s75xl.excel.macros as m; m.flag_exceptions()"
End Sub

Public Sub S75_BuildPack(control As IRibbonControl)
    RunPython "import s75xl.excel.macros as m; m.build_pack()"
End Sub

Public Sub S75_RefreshBudget(control As IRibbonControl)
    RunPython "import s75xl.excel.macros as m; m.refresh_budget()"
End Sub

Public Sub S75_CheckData(control As IRibbonControl)
    RunPython "import s75xl.excel.macros as m; m.check_data()"
End Sub

Public Sub S75_Settings(control As IRibbonControl)
    RunPython "import s75xl.excel.macros as m; m.settings()"
End Sub
