"""Nothing lost: no run modifies a data file, writes are atomic, pipes and Ctrl-C end quietly."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SHIPPED_DATA, data_digests
from himcalc.cli.main import main_entry
from himcalc.errors import ExitCode

HIMCALC = str(Path(sys.executable).with_name("himcalc"))
CORPUS = Path(__file__).parent / "bad_inputs"
SCHEMA_MARK = '"$schema"'


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty directory with no $HIMCALC_DATA."""
    monkeypatch.delenv("HIMCALC_DATA", raising=False)
    monkeypatch.chdir(tmp_path)


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "HIMCALC_DATA"}


def test_shipped_data_unchanged_by_commands(shipped_data_digests: dict[str, str],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Every command that reads the shipped data leaves data/*.yaml byte-identical."""
    for argv in (["compare", "-f", "json"], ["show", "associate-hit", "-f", "csv"],
                 ["data", "list", "-f", "json"], ["data", "validate", str(SHIPPED_DATA)]):
        main_entry(argv)
    capsys.readouterr()
    assert data_digests() == shipped_data_digests


def test_user_data_file_byte_identical(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A user's --data file (valid, with comments and anchors) is byte-identical after runs."""
    user = tmp_path / "my-school.yaml"
    shutil.copy(SHIPPED_DATA / "career_tracks.yaml", user)
    user.chmod(0o640)
    before, stat = user.read_bytes(), user.stat()
    assert main_entry(["--data", str(user), "compare", "-f", "json"]) == ExitCode.OK
    assert main_entry(["data", "validate", str(user)]) == ExitCode.OK
    capsys.readouterr()
    after = user.stat()
    assert user.read_bytes() == before
    assert (after.st_mode, after.st_mtime_ns) == (stat.st_mode, stat.st_mtime_ns)


def test_bad_data_file_byte_identical(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A bad --data file is reported, never 'repaired' or truncated."""
    for case in ("tab_indent.yaml", "duplicate_key.yaml", "non_utf8_latin1.yaml"):
        user = tmp_path / case
        shutil.copy(CORPUS / "data" / case, user)
        before = user.read_bytes()
        assert main_entry(["--data", str(user), "compare", "-f", "json"]) == ExitCode.DATA_ERROR
        assert user.read_bytes() == before
    capsys.readouterr()


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_schema_written_atomically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`data schema -o FILE` writes what stdout would get, keeps the mode, leaves no temp."""
    target = tmp_path / "schema.json"
    target.write_text("old\n")
    target.chmod(0o644)
    assert main_entry(["data", "schema"]) == ExitCode.OK
    expected = capsys.readouterr().out
    assert main_entry(["data", "schema", "-o", str(target)]) == ExitCode.OK
    assert target.read_text() == expected and SCHEMA_MARK in expected
    assert target.stat().st_mode & 0o777 == 0o644
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk_full", "ctrl_c"])
@pytest.mark.parametrize("step", ["os.replace", "os.fsync"])
def test_failed_schema_write_keeps_old_file(step: str, failure: BaseException, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A write that fails or is interrupted leaves the old file as it was and no temp file."""
    target = tmp_path / "schema.json"
    target.write_text("old\n")

    def fail(*args: object) -> None:
        raise failure

    monkeypatch.setattr(step, fail)
    code = main_entry(["data", "schema", "-o", str(target)])
    out, err = capsys.readouterr()
    assert target.read_text() == "old\n"
    assert _leftovers(tmp_path) == []
    assert "Traceback" not in err and out == ""
    if isinstance(failure, OSError):
        assert code == ExitCode.DATA_ERROR
        assert err.startswith(f"error: {target}: cannot write: No space left on device")
        assert err.count("\n") == 1
    else:
        assert code == ExitCode.INTERRUPTED


def test_schema_to_directory_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`-o` naming a directory is a one-line error and the directory is untouched."""
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("keep\n")
    assert main_entry(["data", "schema", "-o", str(target)]) == ExitCode.DATA_ERROR
    err = capsys.readouterr().err
    assert err == f"error: {target}: is a directory\n"
    assert sorted(os.listdir(target)) == ["keep.txt"] and _leftovers(tmp_path) == []


def test_schema_to_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`-o` into a directory that does not exist is a one-line error, nothing created."""
    target = tmp_path / "nope" / "schema.json"
    assert main_entry(["data", "schema", "-o", str(target)]) == ExitCode.DATA_ERROR
    assert capsys.readouterr().err.startswith(f"error: {target}: cannot write")
    assert not target.parent.exists()


@pytest.mark.parametrize("argv", [["compare", "-f", "json"], ["show", "bachelor-him"],
                                  ["data", "show", "occupations", "-f", "csv"]],
                         ids=["compare-json", "show-table", "data-show-csv"])
def test_closed_pipe_ends_quietly(argv: list[str]) -> None:
    """`himcalc … | head -c 10` whose reader has gone exits 0 with nothing on stderr."""
    with subprocess.Popen([HIMCALC, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=_env()) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader is gone before himcalc writes a byte
        err = proc.stderr.read()
        assert proc.wait(timeout=30) == ExitCode.OK
    assert err == b""


def test_pipe_closed_after_first_bytes() -> None:
    """A reader that takes 10 bytes then closes (`| head -c 10`) causes no traceback."""
    argv = [HIMCALC, "show", "bachelor-him", "-f", "json", "--horizon", "80"]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=_env()) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert len(proc.stdout.read(10)) == 10
        proc.stdout.close()
        err = proc.stderr.read()
        assert proc.wait(timeout=30) == ExitCode.OK
    assert b"Traceback" not in err and b"error" not in err


def _wait_until_reading_stdin(pid: int, timeout: float = 15.0) -> None:
    """Block until the process sleeps in a pipe read (Linux), or give it a few seconds."""
    wchan = Path(f"/proc/{pid}/wchan")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if "pipe_read" in wchan.read_text():
                return
        except OSError:
            break
        time.sleep(0.05)
    time.sleep(3.0)


@pytest.mark.skipif(os.name != "posix", reason="SIGINT delivery to a child is POSIX-only")
def test_ctrl_c_exits_130_without_traceback() -> None:
    """SIGINT while `compare --scenario -` waits on stdin exits 130 with no traceback."""
    with subprocess.Popen([HIMCALC, "compare", "--scenario", "-"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env()) as proc:
        try:
            _wait_until_reading_stdin(proc.pid)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
        finally:
            proc.kill()
    assert proc.returncode == ExitCode.INTERRUPTED
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err
    assert out == b""


# --- the safe writer (issue 15, kind 6) -----------------------------------------------------


def _device_node(tmp_path: Path) -> Path:
    """A character device like /dev/null, made in tmp_path (needs the right to mknod)."""
    node = tmp_path / "null"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, AttributeError, OSError):
        pytest.skip("cannot make a device node here (not root, or no CAP_MKNOD)")
    return node


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_schema_never_replaces_a_device_or_fifo(kind: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """`data schema -o` naming a device node or FIFO is refused; the node stays what it was."""
    if kind == "device":
        target = _device_node(tmp_path)
    else:
        target = tmp_path / "pipe"
        os.mkfifo(target)
    before = target.stat()
    assert main_entry(["data", "schema", "-o", str(target)]) == ExitCode.DATA_ERROR
    out, err = capsys.readouterr()
    after = target.stat()
    what = "a device" if kind == "device" else "a FIFO"
    assert err == (f"error: {target}: {what}, not a regular file; himcalc writes only regular "
                   "files (use '-' for stdout)\n")
    assert out == "" and (after.st_mode, after.st_ino, after.st_rdev) == (
        before.st_mode, before.st_ino, before.st_rdev)
    assert _leftovers(tmp_path) == []


def test_schema_refuses_a_write_protected_file(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A write-protected file (chmod 444) is not replaced, even by root (a rename could)."""
    target = tmp_path / "schema.json"
    target.write_text("keep\n")
    target.chmod(0o444)
    try:
        assert main_entry(["data", "schema", "-o", str(target)]) == ExitCode.DATA_ERROR
        err = capsys.readouterr().err
        assert err.startswith(f"error: {target}: write-protected; not replaced")
        assert target.read_text() == "keep\n" and target.stat().st_mode & 0o777 == 0o444
    finally:
        target.chmod(0o644)


def test_schema_dash_is_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`-o -` writes to stdout (what `data schema` alone prints) and creates no file `-`."""
    assert main_entry(["data", "schema"]) == ExitCode.OK
    expected = capsys.readouterr().out
    assert main_entry(["data", "schema", "-o", "-"]) == ExitCode.OK
    assert capsys.readouterr().out == expected
    assert not (tmp_path / "-").exists()


def test_schema_through_a_symlink_keeps_the_link(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A symlink to a regular file is written through, as `>` does: the link stays a link."""
    real = tmp_path / "real.json"
    real.write_text("old\n")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert main_entry(["data", "schema", "-o", str(link)]) == ExitCode.OK
    capsys.readouterr()
    assert link.is_symlink() and SCHEMA_MARK in real.read_text()


def test_chart_file_dash_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """`--chart-file -` is a usage error before any output (it would mix with the report)."""
    assert main_entry(["compare", "--chart-file", "-", "-f", "json"]) == ExitCode.USAGE
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: --chart-file -:")


# --- SIGTERM and worker processes (issue 15, kind 7) ---------------------------------------


def _children(pid: int) -> set[int]:
    """Child pids of `pid`, from every one of its threads (Linux /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found.update(int(c) for c in (task / "children").read_text().split())
    return found


def _alive(pid: int) -> bool:
    """Whether `pid` exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _batch_with_workers() -> tuple[subprocess.Popen, set[int]]:
    """A `batch --jobs 2` fed three blocks of lines on a pipe kept open, and its workers."""
    line = b'{"id": 1, "pathways": "associate-hit"}\n'
    proc = subprocess.Popen([HIMCALC, "batch", "--jobs", "2"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env())
    assert proc.stdin is not None
    proc.stdin.write(line * 3 * 4096)
    proc.stdin.flush()  # stdin stays open: batch waits for more, its workers alive
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:
        workers = _children(proc.pid)
        time.sleep(0.1)
    assert len(workers) == 2, "the batch did not start its two workers"
    return proc, workers


def _gone(pids: set[int], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_sigterm_on_batch_leaves_no_process() -> None:
    """SIGTERM on a batch with workers exits 143, no traceback, and no process of it remains."""
    proc, workers = _batch_with_workers()
    with proc:
        try:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=30)
            err = proc.stderr.read() if proc.stderr else b""
        finally:
            proc.kill()
    assert code == ExitCode.TERMINATED
    assert b"Traceback" not in err
    assert _gone(workers), f"workers still alive: {[p for p in workers if _alive(p)]}"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_workers_exit_when_batch_is_killed() -> None:
    """Workers exit when their batch process dies without a word (SIGKILL)."""
    proc, workers = _batch_with_workers()
    with proc:
        proc.kill()
        proc.wait(timeout=30)
    assert _gone(workers), f"workers outlived their parent: {[p for p in workers if _alive(p)]}"
