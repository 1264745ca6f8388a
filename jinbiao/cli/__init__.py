"""The `jinbiao` console script: parse arguments, call the library, print.

Each command lives in a module of this package with a `register(subparsers)` function; the
command's handler takes the parsed arguments and returns the exit code. No traceback reaches a
user: errors the user can act on (`JinbiaoError`, a bad option, a file system that refuses a write)
become one line on stderr and exit code 2; warnings one line each; a reader that closes the pipe
early ends the command quietly; anything else is a bug, reported in one line that says where its
traceback went (exit code 1).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import re
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import jinbiao.annotate.labelstudio.formats  # noqa: F401 - binds `--format label-studio` (the gold room only names it)
from jinbiao import __version__
from jinbiao.gold.atomic import TMP_MARK
from jinbiao.gold.errors import JinbiaoError
from jinbiao.gold.paths import workspace_dir

from .errors import describe

COMMAND_MODULES = (
    "jinbiao.cli.corpus",
    "jinbiao.cli.studio",
    "jinbiao.cli.team",
    "jinbiao.cli.scoring",
    "jinbiao.cli.gold_check",
    "jinbiao.cli.train",
    "jinbiao.cli.run",
    "jinbiao.cli.benchmark",
    "jinbiao.cli.convert",
)


class ArgumentParser(argparse.ArgumentParser):
    """argparse with its errors in one line, like every other error (the usage is in --help).

    Subcommand parsers are made of the same class, so this covers every command."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="jinbiao",
        description="Gold-standard entity annotations for Chinese news articles, and extractors scored against them.",
    )
    parser.add_argument("--version", action="version", version=f"jinbiao {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:  # a command module not written yet
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a bad option (one line printed): its code, returned
        return 0 if stop.code is None else stop.code if isinstance(stop.code, int) else 2
    except Exception as error:  # a command module that does not import, an option type that breaks
        return _bug("jinbiao", argv, error)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    command = f"jinbiao {args.command}"
    with warnings.catch_warnings():
        warnings.showwarning = _one_line_warning(command)
        try:
            code = int(args.handler(args) or 0)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
            return code
        except JinbiaoError as error:
            return _fail(command, describe(error))
        except BrokenPipeError:
            return _reader_went_away()
        except OSError as error:
            return _fail(command, _os_error(error))
        except KeyboardInterrupt:
            print(f"{command}: interrupted", file=sys.stderr)
            return 130
        except Exception as error:
            return _bug(command, argv, error)


def _bug(command: str, argv: Sequence[str] | None, error: Exception) -> int:
    """An exception no user can cause: one line that says so and where the traceback went."""
    log = _write_crash_log(command, argv)
    problem = " ".join(f"{type(error).__name__}: {error}".split())
    print(
        f"{command}: internal error (a bug in jinbiao, not in your input): {problem}; "
        f"the traceback is in {log}; please report it with that file",
        file=sys.stderr,
    )
    return 1


def _fail(command: str, message: str) -> int:
    print(f"{command}: error: {' '.join(message.splitlines())}", file=sys.stderr)
    return 2


def _one_line_warning(command: str):
    def show(message, category, filename, lineno, file=None, line=None) -> None:
        print(f"{command}: warning: {' '.join(str(message).splitlines())}", file=file or sys.stderr)

    return show


def _reader_went_away() -> int:
    """The reader of our output closed the pipe (`jinbiao score … | head -1`): stop quietly, as
    a command killed by SIGPIPE would, and keep the interpreter's last flush from complaining."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture stdout)
        pass
    return 128 + 13  # 141, what a shell reports for SIGPIPE


_OS_REMEDIES = {
    errno.EACCES: "check its permissions, or use another path",
    errno.EPERM: "check its permissions, or use another path",
    errno.EROFS: "the file system is read-only: use another path",
    errno.ENOSPC: "free some space, or write elsewhere",
    errno.EDQUOT: "free some space, or write elsewhere",
    errno.ELOOP: "a symbolic link loop: fix or remove the link",
    errno.ENAMETOOLONG: "use a shorter path",
}


_TEMPORARY = re.compile(rf"(^|/)\.([^/]+){re.escape(TMP_MARK)}\d+(\.old)?(?=/|$)")


def _os_error(error: OSError) -> str:
    """An error of the file system in one line: where (the output, not its temporary beside it),
    what, and what to do."""
    names = [_TEMPORARY.sub(r"\1\2", str(name)) for name in (error.filename, error.filename2) if name is not None]
    where = ": ".join(dict.fromkeys(names))
    reason = error.strerror or str(error) or type(error).__name__
    remedy = _OS_REMEDIES.get(error.errno or 0)
    message = f"{where}: {reason}" if where else reason
    return f"{message}; {remedy}" if remedy else message


def _write_crash_log(command: str, argv: Sequence[str] | None) -> Path | str:
    """The traceback of the exception being handled, in the workspace's logs/ (else a temporary
    directory); where it went."""
    text = (
        f"{command} (jinbiao {__version__}, Python {sys.version.split()[0]})\n"
        f"arguments: {list(sys.argv[1:] if argv is None else argv)!r}\n\n{traceback.format_exc()}"
    )
    name = f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    for where in (lambda: workspace_dir("logs"), lambda: Path(tempfile.gettempdir()) / "jinbiao-logs"):
        try:
            directory = where()
            directory.mkdir(parents=True, exist_ok=True)
            (directory / name).write_text(text, encoding="utf-8")
            return directory / name
        except OSError:
            continue
    return "nowhere (no writable log directory)"


if __name__ == "__main__":
    sys.exit(main())
