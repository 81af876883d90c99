"""The ``jaxnn`` command: ``list``, ``run NAME``, ``parity``, ``check FILE.py:NAME``, ``bench``.

Every user error (unknown example, bad flag, unusable ``--out`` or ``--data-dir``,
missing torch) ends with one line on stderr and exit code 2, never a traceback.
Each command is one function (``args -> exit code``) of its own module; importing
them starts neither JAX nor torch (each imports its framework when it runs).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from twinlab.bench.command import add_bench_arguments, bench_command
from twinlab.cli.args import add_run_arguments
from twinlab.cli.check import add_check_arguments, check_command
from twinlab.cli.console import fall_back_to_ascii
from twinlab.cli.listing import add_list_arguments, list_command
from twinlab.cli.run import run_command
from twinlab.errors import EXIT_DIVERGED, EXIT_USAGE, EXIT_WRITE, CLIError, Diverged
from twinlab.parity.command import add_parity_arguments, parity_command


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of usage + error
        raise CLIError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jaxnn",
        description="The source notebooks' worked examples in JAX and torch, side by side.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    listing = sub.add_parser("list", help="list the worked examples, one line each")
    add_list_arguments(listing)
    listing.set_defaults(command_fn=list_command)
    run = sub.add_parser("run", help="run one worked example")
    add_run_arguments(run)
    run.set_defaults(command_fn=run_command)
    parity = sub.add_parser(
        "parity", help="run the parity suite and print the component table (--html: report)"
    )
    add_parity_arguments(parity)
    parity.set_defaults(command_fn=parity_command)
    check = sub.add_parser(
        "check", help="compare a torch model of your own with its automatic JAX twin"
    )
    add_check_arguments(check)
    check.set_defaults(command_fn=check_command)
    bench = sub.add_parser(
        "bench", help="training throughput: torch eager vs jaxnn (per step, scan-fused) vs JAX"
    )
    add_bench_arguments(bench)
    bench.set_defaults(command_fn=bench_command)
    return parser


# After Ctrl-C, how long the KeyboardInterrupt may take to reach ``main`` before the
# process leaves anyway (see ``_interrupt``).
INTERRUPT_GRACE_S = 5.0


def _interrupt(signum, frame):
    """SIGINT for the console command: KeyboardInterrupt as usual, with a deadline.

    Python raises the KeyboardInterrupt in whatever code runs when the signal is
    handled; if that is a finalizer (a device buffer's ``__del__``, a weakref
    callback), Python prints and swallows it and training would go on. A timer
    makes sure Ctrl-C ends the run either way.
    """
    import threading

    def leave():
        print("jaxnn: interrupted", file=sys.stderr, flush=True)
        os._exit(130)

    timer = threading.Timer(INTERRUPT_GRACE_S, leave)
    timer.daemon = True
    timer.start()
    raise KeyboardInterrupt


class _Terminated(BaseException):
    """SIGTERM (``kill``, a job scheduler's stop), raised where the run is, so that every
    write under way removes its temporary file before the process leaves (exit code 143)."""


def _terminate(signum, frame):
    raise _Terminated


def _quiet_interrupts(unraisable) -> None:
    """``sys.unraisablehook`` for the console command: a Ctrl-C that landed in a finalizer
    (``_interrupt``'s timer ends the run) is not printed as a traceback; anything else is."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        return
    sys.__unraisablehook__(unraisable)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``jaxnn`` console command; returns the exit code."""
    if argv is None:  # the console command (not a test calling main in-process)
        import signal

        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _terminate)
        sys.unraisablehook = _quiet_interrupts
    fall_back_to_ascii()
    try:
        args = build_parser().parse_args(argv)
        return args.command_fn(args)
    except CLIError as err:
        print(f"jaxnn: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except Diverged as err:
        print(f"jaxnn: error: {err}", file=sys.stderr)
        return EXIT_DIVERGED
    except BrokenPipeError:  # `jaxnn run ... | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:  # a full disk, a read-only directory: the files written are whole
        where = f"{err.filename}: " if err.filename else ""
        print(f"jaxnn: error: {where}{err.strerror or err}", file=sys.stderr)
        return EXIT_WRITE
    except (KeyboardInterrupt, _Terminated) as stop:
        # Every output is written whole through a temporary file and a rename, so an
        # interrupted run leaves the complete files it finished and nothing half-written.
        terminated = isinstance(stop, _Terminated)
        print(f"jaxnn: {'terminated' if terminated else 'interrupted'}", file=sys.stderr)
        code = 143 if terminated else 130
        if argv is None:  # the console command: leave now
            # Interpreter shutdown with XLA work still in flight can crash (SIGSEGV);
            # every output file is already whole or absent, so nothing is lost.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        return code
