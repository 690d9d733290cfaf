"""Interrupting a stage midway leaves the previous outputs intact and no partial files.

`bibtwin ingest` is stopped with SIGTERM (what `kill`, a CI timeout or a closing terminal send) while it
reads and while it writes; `bibtwin run` while a notebook executes. SIGKILL cannot be caught: its
temporary files are hidden (dot-files, never read as exports) and the next write replaces them.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bibtwin.demo import write_demo_corpus


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    base = tmp_path_factory.mktemp("interrupt")
    small, big = base / "small", base / "big"
    write_demo_corpus(small, n_records=200)
    write_demo_corpus(big, n_records=20_000)
    return small, big


def ingest(raw: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bibtwin", "ingest", str(raw), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def handles_sigterm(pid: int) -> bool:
    """Whether the process has installed a SIGTERM handler (Linux: the SigCgt mask in /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next((ln.split()[1] for ln in status.splitlines() if ln.startswith("SigCgt:")), "0")
    return bool(int(caught, 16) & (1 << (signal.SIGTERM - 1)))


def wait_for(proc: subprocess.Popen, condition, timeout: float = 120) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if condition():
            return True
        time.sleep(0.005)
    return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc to see the signal handler")
@pytest.mark.parametrize("moment", ["while reading", "while writing"])
def test_sigterm_leaves_previous_outputs(corpora, tmp_path, moment):
    small, big = corpora
    out = tmp_path / "out"
    assert subprocess.run([sys.executable, "-m", "bibtwin", "ingest", str(small), "--out", str(out)],
                          capture_output=True).returncode == 0
    before = snapshot(out)
    proc = ingest(big, out)
    if moment == "while reading":
        # once its SIGTERM handler is installed (startup and imports done), the ingest is reading
        caught = wait_for(proc, lambda: handles_sigterm(proc.pid))
    else:  # the first temporary file of the atomic write appears in the output folder
        caught = wait_for(proc, lambda: any(p.name.startswith(".") for p in out.iterdir()))
    if not caught:
        proc.wait()
        pytest.fail(f"could not interrupt {moment}: the ingest finished first")
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert snapshot(out) == before, "the previous outputs changed"
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "temporary files left behind"
