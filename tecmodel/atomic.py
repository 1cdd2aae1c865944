"""Safe, atomic file writing: a temporary file beside the target, then a rename.

A reader never sees a half-written file, and an error (or SIGTERM) leaves the old file
(if any) in place and no temporary file behind. What is refused, with a
:class:`~tecmodel.errors.OutputError` naming the path:

- a target that exists and is not a regular file (a directory, ``/dev/full``, a FIFO);
- a path that names a stream of this process (``/dev/stdout``, ``/dev/fd/1``,
  ``/proc/self/fd/2``, or a symlink to one), even when standard output is redirected
  to a regular file: ``"-"`` is the way to write to standard output;
- a target whose folder does not exist (folders are never created);
- any operating-system error on the way (read-only folder, full disk, permission).

A symlink is written through: its target file is replaced, the link stays. The path
``"-"`` means standard output. Temporary files are named
``.<name>.tecmodel-tmp-<pid>-<random><suffix>`` so a stale one (left by ``kill -9``) can
be recognised and removed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator

from .errors import OutputError

__all__ = ["TEMPORARY_MARK", "atomic_path", "write_atomic"]

#: Part of every temporary file's name.
TEMPORARY_MARK = ".tecmodel-tmp-"

_LIVE: set[str] = set()  # temporary files being written, removed on SIGTERM


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _on_sigterm(signum, frame):  # pragma: no cover - exercised in a subprocess test
    for temporary in list(_LIVE):
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    _LIVE.clear()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _install_handler() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    with contextlib.suppress(ValueError, OSError):
        if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
            signal.signal(signal.SIGTERM, _on_sigterm)


#: Paths that name a stream of the running process rather than a file: replacing what
#: they resolve to (the file standard output is redirected to) would be wrong.
_PROCESS_STREAM = re.compile(r"^/(?:dev/(?:fd|stdin|stdout|stderr)|proc/[^/]+/fd)(?:/|$)")


def _is_process_stream(path: str) -> bool:
    """True if ``path`` or any symlink on the way to its target is such a stream."""
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on nested links
        folder, name = os.path.split(current)
        if _PROCESS_STREAM.match(current):
            return True
        resolved_folder = os.path.realpath(folder)
        current = os.path.join(resolved_folder, name)
        if _PROCESS_STREAM.match(current):
            return True
        if not os.path.islink(current):
            return False
        try:
            link = os.readlink(current)
        except OSError:
            return False
        current = os.path.normpath(os.path.join(resolved_folder, link))
    return False


def resolve_target(path) -> str:
    """The regular file that writing ``path`` would replace (symlinks followed).

    Raises
    ------
    OutputError
        If the target exists and is not a regular file, or its folder does not exist.
    """
    try:
        path = os.fspath(path)
    except TypeError as exc:
        raise OutputError(f"output path must be a file name, got {path!r}") from exc
    if not path:
        raise OutputError("output path is empty; give a file name (or '-' for standard output)")
    if _is_process_stream(path):
        raise OutputError(
            f"cannot write {path!r}: it is a stream of this process (like /dev/stdout), "
            "not a file; use '-' for standard output"
        )
    target = os.path.realpath(path)
    if os.path.exists(target):
        mode = os.stat(target).st_mode
        if stat.S_ISDIR(mode):
            raise OutputError(f"cannot write {path!r}: it is a directory; give a file name")
        if not stat.S_ISREG(mode):
            raise OutputError(
                f"cannot write {path!r}: it is not a regular file (a device or pipe); "
                "use '-' for standard output"
            )
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise OutputError(f"cannot write {path!r}: the folder {folder!r} does not exist")
    return target


@contextlib.contextmanager
def atomic_path(path) -> Iterator[str]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    ``path == "-"``: the temporary file's bytes go to standard output instead.
    """
    to_stdout = isinstance(path, str) and path == "-"
    if to_stdout:
        _install_handler()
        handle, temporary = tempfile.mkstemp(prefix=f"stdout{TEMPORARY_MARK}{os.getpid()}-")
        os.close(handle)
        _LIVE.add(temporary)
        try:
            yield temporary
            with open(temporary, "rb") as stream:
                sys.stdout.flush()
                out = getattr(sys.stdout, "buffer", None)
                if out is None:
                    sys.stdout.write(stream.read().decode("utf-8", "replace"))
                else:
                    shutil.copyfileobj(stream, out)
                    out.flush()
        except OSError as exc:
            raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from exc
        finally:
            _LIVE.discard(temporary)
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        return
    target = resolve_target(path)
    folder, name = os.path.split(target)
    suffix = os.path.splitext(name)[1]
    _install_handler()
    try:
        handle, temporary = tempfile.mkstemp(
            dir=folder, prefix=f".{name}{TEMPORARY_MARK}{os.getpid()}-", suffix=suffix
        )
    except OSError as exc:
        raise OutputError(f"cannot write {os.fspath(path)!r}: {exc.strerror or exc}") from exc
    os.close(handle)
    _LIVE.add(temporary)
    try:
        yield temporary
        os.chmod(temporary, _default_mode())  # mkstemp makes it private; files are not
        os.replace(temporary, target)
    except OSError as exc:
        raise OutputError(f"cannot write {os.fspath(path)!r}: {exc.strerror or exc}") from exc
    finally:
        _LIVE.discard(temporary)
        if os.path.exists(temporary):
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def write_atomic(path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (``"-"``: standard output)."""
    if isinstance(path, str) and path == "-":
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except OSError as exc:
            raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from exc
        return
    with atomic_path(path) as temporary:
        try:
            with open(temporary, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
        except OSError as exc:
            raise OutputError(f"cannot write {os.fspath(path)!r}: {exc.strerror or exc}") from exc
