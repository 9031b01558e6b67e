"""The build step that puts the shipped files into the wheel (everything else is in pyproject.toml).

A council installs s75xl with pip and works in its own folder, so the wheel must carry what a
checkout has beside the package: the report templates with their layouts (``templates/``), the
worksheet-function module (``udfs/``) and the workbooks (``workbooks/``). They are copied to
``s75xl/shipped/<kind>/`` in the wheel, where ``s75xl/resources.py`` finds them, and the
worksheet-function module is also installed as the top-level module ``s75xl_functions``, the name
xlwings' "UDF Modules" setting asks for. An editable install reads the checkout's folders instead.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
KINDS = ("templates", "udfs", "workbooks")


def shipped_files(kind: str):
    """The files of one kind that a user needs: not caches, not the scripts that rebuild them."""
    folder = HERE / kind
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if (path.is_file() and "__pycache__" not in relative.parts and path.suffix != ".pyc"
                and not path.name.startswith(("build_", "."))):
            yield path, relative


class BuildWithShippedFiles(build_py):
    """build_py, then the shipped files into build/lib/s75xl/shipped/."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        lib = Path(self.build_lib)
        for kind in KINDS:
            for path, relative in shipped_files(kind):
                target = lib / "s75xl" / "shipped" / kind / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
        shutil.copyfile(HERE / "udfs" / "s75xl_functions.py", lib / "s75xl_functions.py")


setup(cmdclass={"build_py": BuildWithShippedFiles})
