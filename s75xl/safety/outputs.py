"""Writing an output file safely: never over an input, atomically, under a lock, with the right mode.

Every command that writes a file (compute, check, assess, fill, and the pack and budget commands)
goes through `write_atomically`:

1. `check_output` refuses an output that is one of the run's inputs (compared by the file they
   resolve to, so "./a.csv", "a.csv" and a hard link all count; a caller whose input is a folder
   lists the files in it that it reads), a folder that does not exist or cannot be written, and
   an output that is a folder. DESIGN.md: never change a user's file.
2. A lock (`.NAME.s75xl-lock` beside the output, held with the operating system's file lock)
   serialises two runs writing the same output; one that cannot get it within `LOCK_WAIT`
   seconds is refused with one sentence.
3. The content goes to a hidden temporary file in the same folder (``.NAME.s75xl-PID.tmp``), is
   flushed to disk and renamed over the output, so the output is either the old file or the
   complete new one. A run killed half way leaves only that hidden file (and the lock file);
   the next run for the same output removes both.
4. The new file's mode is the template's or input's (`mode_from`), else the old output's, else
   the usual default for a new file (0666 less the umask), not the 0600 of a temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import S75Error

LOCK_WAIT = 30.0
TEMP_SUFFIX = ".tmp"

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


class OutputError(S75Error):
    """An output path that cannot or must not be written."""


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def check_output(out: str | Path, inputs: Iterable[str | Path | None] = (), *, what: str = "output") -> Path:
    """The output path, checked: not an input, in a folder that exists and can be written."""
    out = Path(out)
    for source in inputs:
        if source is not None and str(source) != "" and _same_file(out, Path(source)):
            raise OutputError(f"The {what} {out} would overwrite an input file; choose another name "
                              "(s75xl never writes over its inputs).")
    if out.is_dir():
        raise OutputError(f"The {what} {out} is a folder; give a file name.")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"The folder {folder} for the {what} {out.name} does not exist.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"The folder {folder} cannot be written to, so the {what} {out.name} cannot be saved there.")
    if out.exists() and not os.access(out, os.W_OK):
        raise OutputError(f"The {what} {out} is read-only; choose another name or make it writable.")
    return out


def temporary_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.s75xl-{os.getpid()}{TEMP_SUFFIX}")


def lock_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.s75xl-lock")


def leftovers(target: Path) -> list[Path]:
    """Temporary files an earlier, killed run left for this output (and the older names s75xl used)."""
    folder = target.parent if str(target.parent) else Path(".")
    # the last: a package saved to our temporary name makes its own temporary file beside it
    patterns = (f".{target.name}.s75xl-*{TEMP_SUFFIX}", f".{target.name}.tmp", f".{target.name}.*.tmp",
                f"..{target.name}.s75xl-*{TEMP_SUFFIX}.*.tmp")
    found = {p for pattern in patterns for p in folder.glob(pattern) if p.is_file()}
    return sorted(found)


@contextlib.contextmanager
def output_lock(target: Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold the output's lock; two runs writing one output take turns, and a run that waits
    longer than `wait` seconds (default LOCK_WAIT) is refused."""
    path = lock_name(target)
    deadline = time.monotonic() + (LOCK_WAIT if wait is None else wait)
    while True:
        try:
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"Cannot write {target}: {exc.strerror or 'the folder refused a lock file'}.") from None
        if fcntl is None:  # pragma: no cover - Windows: the open file itself is the lock
            break
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(handle)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            if time.monotonic() > deadline:
                raise OutputError(f"Another s75xl run is writing {target}; try again when it has finished.") from None
            time.sleep(0.05)
            continue
        try:  # the holder before us may have removed the file after we opened it: lock the live one
            if os.fstat(handle).st_ino == os.stat(path).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(handle)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(handle)


def _mode_for(target: Path, mode_from: str | Path | None) -> int:
    for source in (mode_from, target):
        if source is not None:
            try:
                return os.stat(source).st_mode & 0o7777
            except OSError:
                continue
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(target: str | Path, write: Callable[[Path], None], *, inputs: Iterable[str | Path | None] = (),
                     mode_from: str | Path | None = None, what: str = "output") -> Path:
    """Check the target, then `write(temporary_path)` and rename it over the target, under the lock."""
    target = check_output(target, inputs, what=what)
    with output_lock(target):
        for old in leftovers(target):
            with contextlib.suppress(OSError):
                old.unlink()
        temporary = temporary_name(target)
        try:
            write(temporary)
            with open(temporary, "rb+") as handle:
                os.fsync(handle.fileno())
            os.chmod(temporary, _mode_for(target, mode_from))
            os.replace(temporary, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink()
            reason = exc.strerror or type(exc).__name__
            raise OutputError(f"Cannot write {target}: {reason}.") from None
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
    return target


def copy_atomically(source: str | Path, target: str | Path, *, what: str = "output") -> Path:
    """Copy a shipped file to `target` the way every output is written: whole or not at all."""
    return write_atomically(target, lambda temporary: shutil.copyfile(source, temporary), inputs=[source], what=what)
