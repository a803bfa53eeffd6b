"""Never lose a user's file (issue 14): outputs that are inputs are refused, every write is atomic,
and outputs that cannot be written give one line and exit 2."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from geomap.cli import main
from geomap.files import TMP_MARK, OutputError, atomic_path, check_outputs, write_text_atomic

DATA = Path(__file__).parent / "data" / "io"
EVENTS = DATA / "events.yaml"


def events_yaml(n: int) -> str:
    rows = [
        f"  - {{date: 2024-10-{1 + i % 28:02d}, place: P{i}, lat: {(i % 170) - 85}.5, lon: {(i % 350) - 175}.25, "
        f"kind: deployment, description: event number {i} {'x' * 40}}}"
        for i in range(n)
    ]
    return "title: many\nevents:\n" + "\n".join(rows) + "\n"


def temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if TMP_MARK in p.name]


# ---- an output that is an input -------------------------------------------------------------


@pytest.mark.parametrize("command", ["render", "export-yaml", "export-csv", "map", "extract"])
@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_output_that_is_the_input_is_refused(tmp_path: Path, capsys, command: str, how: str) -> None:
    if command in ("map", "extract"):  # an extraction is .yaml or .geojson: so is this article's name
        src = tmp_path / ("article.txt" if command == "map" else "article.yaml")
        src.write_text("On 3 October 2024 troops moved from Vladivostok to Kursk.\n", encoding="utf-8")
    elif command == "export-csv":
        src = tmp_path / "events.csv"
        src.write_bytes((DATA / "acled_export.csv").read_bytes())
    else:
        src = tmp_path / "events.yaml"
        src.write_bytes(EVENTS.read_bytes())
    before = src.read_bytes()
    out = src
    if how == "symlink":
        out = tmp_path / f"link{src.suffix}"
        out.symlink_to(src)
    elif how == "hardlink":
        out = tmp_path / f"hard{src.suffix}"
        os.link(src, out)
    name = command.split("-")[0]
    rc = main([name, str(src), "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"geomap: cannot write {out}: it is the input" in err
    assert "Traceback" not in err
    assert src.read_bytes() == before
    assert not temporaries(tmp_path)


def test_check_outputs_passes_distinct_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.html"
    a.write_text("x")
    check_outputs([b], [a])  # no error
    with pytest.raises(OutputError):
        check_outputs([tmp_path / "." / "a.yaml"], [a])


def test_corpus_output_that_is_the_input(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "1", "text": "Troops moved to Kursk on 3 October 2024."}\n')
    link = tmp_path / "c.parquet"
    link.symlink_to(corpus)
    before = corpus.read_bytes()
    assert main(["extract", str(corpus), "-o", str(link), "-q"]) == 2
    assert "it is the input" in capsys.readouterr().err
    assert corpus.read_bytes() == before


# ---- atomic writes ---------------------------------------------------------------------------


def test_atomic_path_keeps_the_previous_file_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("previous\n")
    with pytest.raises(RuntimeError), atomic_path(out) as tmp:
        tmp.write_text("half")
        raise RuntimeError("writer failed")
    assert out.read_text() == "previous\n"
    assert not temporaries(tmp_path)


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_mode_honours_umask(tmp_path: Path, mask: int) -> None:
    old = os.umask(mask)
    try:
        write_text_atomic(tmp_path / "a.html", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.html").stat().st_mode & 0o777 == 0o666 & ~mask


def test_stale_temporaries_of_dead_runs_are_removed(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    stale = tmp_path / f".out.json.{pid}-abcd1234{TMP_MARK}.json"
    stale.write_text("left by a killed run")
    live = tmp_path / f".out.json.{os.getpid()}-00000000{TMP_MARK}.json"  # a run still going: kept
    live.write_text("being written")
    other = tmp_path / ".out.json.notes"  # not ours: kept
    other.write_text("x")
    write_text_atomic(tmp_path / "out.json", "{}")
    assert not stale.exists() and live.exists() and other.exists()


# ---- kill -9 during every kind of write ------------------------------------------------------

# The child runs the real command; just before the temporary is renamed onto OUT (the whole
# file written, nothing yet in place) it kills itself with SIGKILL, as an OOM killer or a user would.
KILLER = textwrap.dedent(
    """
    import os, signal, sys
    target = os.path.abspath(sys.argv[1])
    real = os.replace
    def replace(src, dst, *a, **k):
        if os.path.abspath(str(dst)) == target:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(src, dst, *a, **k)
    os.replace = replace
    from geomap.cli import main
    sys.exit(main(sys.argv[2:]))
    """
)


def run_killed(target: Path, argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", KILLER, str(target), *argv], capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("suffix", [".html", ".csv", ".kml", ".json", ".geojson", ".gpkg"])
def test_kill_9_before_the_rename_leaves_the_previous_file(tmp_path: Path, suffix: str) -> None:
    src = tmp_path / "events.yaml"
    src.write_text(events_yaml(300), encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    target = tmp_path / "out.events.geojson" if suffix == ".geojson" else out
    target.write_bytes(b"PREVIOUS FILE " * 1000)
    argv = ["render" if suffix == ".html" else "export", str(src), "-o", str(out), "-q"]
    result = run_killed(target, argv)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert target.read_bytes() == b"PREVIOUS FILE " * 1000
    assert temporaries(tmp_path)  # the killed run's temporary is there ...
    assert main(argv) == 0
    assert not temporaries(tmp_path)  # ... and the next run removes it
    assert target.read_bytes() != b"PREVIOUS FILE " * 1000
    if suffix == ".gpkg":
        import pyogrio

        assert len(pyogrio.read_dataframe(out, layer="events")) == 300


def test_kill_9_corpus_parquet(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "1", "text": "On 3 October 2024 troops moved from Vladivostok to Kursk."}\n')
    out = tmp_path / "c.parquet"
    out.write_bytes(b"PREVIOUS")
    result = run_killed(out, ["extract", str(corpus), "-o", str(out), "-q"])
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert out.read_bytes() == b"PREVIOUS"


def test_kill_9_while_writing_a_big_csv(tmp_path: Path) -> None:
    """A real kill from outside, while the temporary grows: the previous file is whole."""
    src = tmp_path / "events.yaml"
    src.write_text(events_yaml(20000), encoding="utf-8")
    out = tmp_path / "out.csv"
    previous = b"id,previous\n" * 5000
    out.write_bytes(previous)
    proc = subprocess.Popen([sys.executable, "-m", "geomap.cli", "export", str(src), "-o", str(out), "-q"],
                            stderr=subprocess.DEVNULL)
    killed = False
    deadline = time.monotonic() + 240
    while proc.poll() is None and time.monotonic() < deadline:
        tmps = temporaries(tmp_path)
        if tmps and tmps[0].exists() and tmps[0].stat().st_size > 0:
            proc.send_signal(signal.SIGKILL)
            killed = True
            break
        time.sleep(0.001)
    proc.wait()
    if not killed:
        pytest.skip("the export finished before it could be killed")
    assert out.read_bytes() == previous


# ---- outputs that cannot be written ----------------------------------------------------------


def _article(tmp_path: Path) -> Path:
    art = tmp_path / "article.txt"
    art.write_text("On 3 October 2024 troops moved from Vladivostok to Kursk.\n", encoding="utf-8")
    return art


def _corpus(tmp_path: Path) -> Path:
    c = tmp_path / "corpus.jsonl"
    c.write_text('{"id": "1", "text": "On 3 October 2024 troops moved from Vladivostok to Kursk."}\n')
    return c


def _argv(command: str, tmp_path: Path, out: Path) -> list[str]:
    if command == "render":
        return ["render", str(EVENTS), "-o", str(out), "-q"]
    if command == "extract":
        return ["extract", str(_article(tmp_path)), "-o", str(out), "-q"]
    return ["extract", str(_corpus(tmp_path)), "-o", str(out), "-q"]


SUFFIX = {"render": ".html", "extract": ".yaml", "corpus": ".parquet"}


@pytest.mark.parametrize("command", ["render", "extract", "corpus"])
def test_output_is_a_directory(tmp_path: Path, capsys, command: str) -> None:
    out = tmp_path / f"out{SUFFIX[command]}"
    out.mkdir()
    assert main(_argv(command, tmp_path, out)) == 2
    err = capsys.readouterr().err
    assert f"geomap: cannot write {out}: it is a directory" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["render", "extract", "corpus"])
def test_output_under_a_regular_file(tmp_path: Path, capsys, command: str) -> None:
    plain = tmp_path / "in.yaml"
    plain.write_text("x")
    out = plain / f"x{SUFFIX[command]}"
    assert main(_argv(command, tmp_path, out)) == 2
    err = capsys.readouterr().err
    assert f"geomap: cannot write {out}: {plain} is not a directory" in err
    assert plain.read_text() == "x"


def _mount(tmp_path: Path, options: str) -> Path:
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mnt)],
                                           capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    return mnt


@pytest.fixture
def tiny_disk(tmp_path: Path):
    mnt = _mount(tmp_path, "size=128k")
    yield mnt
    subprocess.run(["umount", str(mnt)], check=False)


@pytest.mark.parametrize("command", ["render", "extract", "corpus"])
def test_full_disk(tmp_path: Path, tiny_disk: Path, capsys, command: str) -> None:
    out = tiny_disk / f"out{SUFFIX[command]}"
    out.write_bytes(b"previous")
    filler = tiny_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:  # fill the disk to the last byte
        for chunk in (4096, 1):
            while True:
                try:
                    os.write(fd, b"\0" * chunk)
                except OSError:
                    break
    finally:
        os.close(fd)
    src_dir = tmp_path / "src"
    src_dir.mkdir()
    if command == "extract":  # an extraction is small: make it big enough not to fit
        art = src_dir / "article.txt"
        art.write_text("On 3 October 2024 troops moved from Vladivostok to Kursk.\n" * 400, encoding="utf-8")
        argv = ["extract", str(art), "-o", str(out), "-q"]
    else:
        argv = _argv(command, src_dir, out)
    rc = main(argv)
    err = capsys.readouterr().err
    assert rc == 2, err
    assert f"geomap: cannot write {out}" in err and ": no space left on device" in err, err  # or its part files
    assert "Traceback" not in err
    assert out.read_bytes() == b"previous"
    assert not temporaries(tiny_disk)


@pytest.mark.parametrize("command", ["render", "extract", "corpus"])
def test_read_only_file_system(tmp_path: Path, capsys, command: str) -> None:
    mnt = _mount(tmp_path, "size=1m")
    try:
        (mnt / "old").write_text("previous")
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        out = mnt / f"out{SUFFIX[command]}"
        src_dir = tmp_path / "src"
        src_dir.mkdir()
        assert main(_argv(command, src_dir, out)) == 2
        err = capsys.readouterr().err
        assert f"geomap: cannot write {out}" in err and ": read-only file system" in err, err
    finally:
        subprocess.run(["umount", str(mnt)], check=False)
