"""The quarterly board pack: summary, all measures, exceptions, a report card per exception with
its run chart and forecast, benchmarks; an Excel workbook with native charts and its PDF.

>>> from s75xl.pack import build_pack                                          # doctest: +SKIP
>>> build_pack(results, targets=targets, out_dir="pack").files                 # doctest: +SKIP

Pipeline (each step its own module, each tested on its own): `options` -> `benchmarks` /
`national` -> `s75xl.assess` -> `content` (pure pandas, with `forecasts`) -> `charts` (data only)
-> `workbook` (XlsxWriter) -> `pdf` (LibreOffice); `compare` for several areas; `build` runs them.
"""

__all__ = ["PackOptions", "PackResult", "build_pack"]


def __getattr__(name: str):
    """Imported on first use, so that `s75xl --version` and `--help` never load pandas."""
    if name in ("PackResult", "build_pack"):
        from . import build

        return getattr(build, name)
    if name == "PackOptions":
        from .options import PackOptions

        return PackOptions
    raise AttributeError(f"module 's75xl.pack' has no attribute {name!r}")
