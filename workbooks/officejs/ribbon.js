// The S75 tab's buttons (manifest.xml) run the scripts of s75xl/excel/scripts.py through xlwings.
// Generated from workbooks/addin/customUI/customUI14.xml by s75xl.excel.officejs. Load it in the
// task pane page after xlwings' own JavaScript (the page the manifest's Taskpane.Url serves).
const S75_BUTTONS = {
  "s75-refresh": "s75_refresh",
  "s75-flag-exceptions": "s75_flag_exceptions",
  "s75-build-pack": "s75_build_pack",
  "s75-refresh-budget": "s75_refresh_budget",
  "s75-check-data": "s75_check_data",
  "s75-settings": "s75_settings"
};

Office.onReady(() => {
  for (const [functionName, scriptName] of Object.entries(S75_BUTTONS)) {
    Office.actions.associate(functionName, async (event) => {
      try {
        await xlwings.runPython({ scriptName });
      } finally {
        event.completed();
      }
    });
  }
});
