"""Helper processes that die with the process that forked them.

The import forks writers and an index follower, each holding a database connection. Killed
outright (kill -9, the out-of-memory killer), the parent cannot stop them: they must notice
themselves. On Linux the kernel sends them SIGKILL when the parent dies (``prctl``
``PR_SET_PDEATHSIG``); elsewhere a thread in each watches the parent's pid.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_EVERY_S = 1.0


def die_with_parent(parent: int) -> None:
    """Call first in a process forked from ``parent``'s main thread (the kernel's signal
    follows the thread that forked, which must live as long as the process)."""
    if not _killed_by_kernel_with_parent():
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it died before the kernel was asked
        os._exit(1)


def _killed_by_kernel_with_parent() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_EVERY_S)
    os._exit(1)
