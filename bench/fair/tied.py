"""Run a command that dies with the process that started it:

    python -m bench.fair.tied PARENT_PID COMMAND [ARG ...]

The kernel sends the command SIGKILL when its parent ends, however it ends (even by
SIGKILL, when no `finally` runs): a benchmark never leaves a bot or a stand-in behind. The
command replaces this process (exec), so its pid is the one the parent was given.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def main(argv: list[str]) -> int:
    if len(argv) < 2 or not argv[0].isdigit():
        print("usage: python -m bench.fair.tied PARENT_PID COMMAND [ARG ...]", file=sys.stderr)
        return 2
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        print(f"prctl: {os.strerror(ctypes.get_errno())}", file=sys.stderr)
        return 1
    # The parent may have ended before prctl: then nobody is left to stop the command.
    if os.getppid() != int(argv[0]):
        return 1
    os.execvp(argv[1], argv[1:])
    return 1  # not reached: execvp replaces this process or raises


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
