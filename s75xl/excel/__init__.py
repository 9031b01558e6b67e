"""The Excel edge: the S75 ribbon's macros, the xlwings Book adapter, and the .xlam add-in builder.

- `macros`: one function per ribbon button (``refresh``, ``flag_exceptions``, ``build_pack``,
  ``refresh_budget``, ``check_data``, ``settings``), each ``X(book=None)``;
- `settings`: where a workbook's buttons take their files from (a Settings sheet or defined
  names), checked in a frozen dataclass;
- `book`: the only module here that touches an xlwings Book;
- `scripts`: the same macros as xlwings Server / Wasm ``@script`` functions;
- `addin`: the add-in `workbooks/s75xl.xlam`, built from the text sources in `workbooks/addin/`
  (`ovba` and `cfb` write the VBA project, `package` the zip) and checked by reading it back
  (`verify`); `cli` is ``s75xl addin build|install|check``.

Nothing here is imported by the engine; xlwings is imported only when a macro runs.
"""
