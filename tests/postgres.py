"""A throwaway PostgreSQL cluster for tests: initdb in a temporary folder, pg_ctl on a free port.

initdb refuses to run as root, so as root the cluster runs as the ``postgres`` user that the
Debian package creates (else ``nobody``), through ``runuser``, with the folder given to that
user. Tests that need it skip where PostgreSQL is absent, except where S75XL_REQUIRE_POSTGRES is
set (CI sets it), where its absence is a failure.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest


def bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found and shutil.which("initdb"):
        found = [shutil.which("initdb")]
    if not found:
        if os.environ.get("S75XL_REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL (initdb) is required here (S75XL_REQUIRE_POSTGRES is set) but not installed.")
        pytest.skip("PostgreSQL is not installed")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def cluster():
    """Yields the URL of a running cluster (user s75xl, trust authentication on 127.0.0.1)."""
    binaries = bin_dir()
    folder = Path(tempfile.mkdtemp(prefix="s75xl-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = "postgres"
        try:
            pwd.getpwnam(user)
        except KeyError:
            user = "nobody"
        shutil.chown(folder, user)
        os.chmod(folder, 0o700)
        prefix = ["runuser", "-u", user, "--"]
    data, port = folder / "data", _free_port()

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stdout} {done.stderr}")

    try:
        run(str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "s75xl", "-E", "UTF8", "--no-sync")
        run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60", "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        yield f"postgresql://s75xl@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
