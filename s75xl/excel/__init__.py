"""The Excel edge: the S75 ribbon's macros, the xlwings Book adapter, and the .xlam add-in builder.

- `macros`: one function per ribbon button (``refresh``, ``flag_exceptions``, ``build_pack``,
  ``refresh_budget``, ``check_data``, ``settings``), each ``X(book=None)``;
- `settings`: where a workbook's buttons take their files from (a Settings sheet or defined
  names), checked in a frozen dataclass;
- `book`: reading settings and tables from an open Book, writing sheets, message boxes and the
  status bar (the cell writes are s75xl.fill.book's); `budget`: the budget monitor's Excel tables;
- `scripts`: the same macros as xlwings Server / Wasm ``@script`` functions; `officejs`: the
  Office add-in manifest and JavaScript for them, drawn from the same ribbon definition;
- `addin`: the add-in `workbooks/s75xl.xlam`, built from the text sources in `workbooks/addin/`
  (`ovba` writes the VBA project's streams, `cfb` the compound file that holds them), `verify`
  checks it by reading it back, `install` puts it in Excel's start-up folder; `cli` is
  ``s75xl addin build|install|check``.

Nothing here is imported by the engine; xlwings is imported only when a macro runs.
"""
