"""The quarterly board pack: summary, all measures, exceptions, a report card per exception with
its run chart and forecast, benchmarks; an Excel workbook with native charts and its PDF.

>>> from s75xl.pack import build_pack                                          # doctest: +SKIP
>>> build_pack(results, targets=targets, out_dir="pack").files                 # doctest: +SKIP

Pipeline (each step its own module, each tested on its own): `options` -> `benchmarks` /
`national` -> `s75xl.assess` -> `content` (pure pandas, with `forecasts`) -> `charts` (data only)
-> `workbook` (XlsxWriter) -> `pdf` (LibreOffice); `compare` for several areas; `build` runs them.
"""

from .build import PackResult, build_pack
from .options import PackOptions

__all__ = ["PackOptions", "PackResult", "build_pack"]
