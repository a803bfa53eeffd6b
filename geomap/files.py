"""Writing output files whole or not at all, and never over an input.

Every writer of geomap goes through :func:`atomic_path` (or :func:`write_text_atomic`, built on
it): the output is written under a temporary name in the same folder, then renamed into place
with ``os.replace``. A crash, a kill -9, a full disk or a bad input leaves the previous file as it
was; the temporary is removed on failure, and one left by a killed run (its process is gone) is
removed on the next write of that name. The file gets the usual mode (0666 less the umask), not
``mkstemp``'s 0600.

:func:`check_outputs` refuses, before any work, an output that is one of the inputs (the same
file by resolved path or by device and inode, so symlinks and hard links count too).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path

from geomap.model import GeomapError

__all__ = ["OutputError", "atomic_path", "check_outputs", "prepare_output", "write_text_atomic"]

TMP_MARK = ".geomap-tmp"  # in every temporary's name: how stale ones of ours are recognised
# Files SQLite (GeoPackage) may leave beside a database it was writing.
_SIDE_FILES = ("-journal", "-wal", "-shm")


class OutputError(GeomapError):
    """An output that cannot be written; the CLI prints it as ``geomap: cannot write OUT: reason``."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = str(path)
        self.reason = reason


def reason_of(exc: OSError) -> str:
    """An OSError as the few words a user needs ('no space left on device')."""
    if exc.errno == errno.ENOSPC:
        return "no space left on device"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    if exc.errno == errno.EISDIR:
        return "it is a directory"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) and exc.filename is not None:
        return f"{exc.filename} is not a directory"
    return (exc.strerror or str(exc)).lower()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, another user's
        return True
    return True


def clean_stale(path: Path) -> list[Path]:
    """Remove temporaries of ``path`` left by geomap runs that were killed (their process is gone)."""
    removed: list[Path] = []
    with contextlib.suppress(OSError):
        for tmp in path.parent.glob(f".{path.name}.*{TMP_MARK}*"):
            pid = tmp.name[len(path.name) + 2 :].split("-", 1)[0]
            if pid.isdigit() and not _pid_alive(int(pid)) and tmp.is_file():
                with contextlib.suppress(OSError):
                    tmp.unlink()
                    removed.append(tmp)
    return removed


def prepare_output(path: str | Path) -> Path:
    """Check that ``path`` can be an output file and create its folder; OutputError otherwise."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(path, "it is a directory")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(path, reason_of(exc)) from None
    if not path.parent.is_dir():
        raise OutputError(path, f"{path.parent} is not a directory")
    return path


def temp_path(path: Path) -> Path:
    """A fresh temporary name beside ``path`` (ours: pid and mark in it), after removing stale ones."""
    clean_stale(path)
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{TMP_MARK}{path.suffix}")


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` (same suffix, for GDAL's driver choice) to write to.

    On leaving the block normally the temporary is renamed onto ``path``; on any exception it is
    removed (with SQLite's side files) and ``path`` is left as it was. OSErrors while writing or
    renaming become :class:`OutputError`.
    """
    path = prepare_output(path)
    tmp = temp_path(path)
    try:
        try:
            yield tmp
            if not tmp.exists():  # the writer wrote nothing: an empty file, as open(path, "w") would
                tmp.touch()
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        except OSError as exc:
            raise OutputError(path, reason_of(exc)) from None
    finally:
        for side in ("", *_SIDE_FILES):
            with contextlib.suppress(OSError):
                Path(f"{tmp}{side}").unlink(missing_ok=True)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` whole or not at all."""
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return path


def _identity(path: Path) -> tuple[Path, tuple[int, int] | None]:
    resolved = path.resolve()
    try:
        st = os.stat(path)
    except OSError:
        return resolved, None
    return resolved, (st.st_dev, st.st_ino)


def check_outputs(outputs: Iterable[str | Path], inputs: Iterable[str | Path]) -> None:
    """Refuse (OutputError) an output that is an input, or a file inside an input folder's files.

    Compared by resolved path and by device and inode, so a symlink or a hard link to an input
    is caught too. Called before any work, so nothing is read or written in vain.
    """
    ins = [Path(p) for p in inputs]
    seen = {}
    for p in ins:
        resolved, ident = _identity(p)
        seen[resolved] = p
        if ident is not None:
            seen[ident] = p
    for out in map(Path, outputs):
        resolved, ident = _identity(out)
        hit = seen.get(resolved) or (seen.get(ident) if ident is not None else None)
        if hit is not None:
            raise OutputError(out, f"it is the input {hit}; choose another output name")
