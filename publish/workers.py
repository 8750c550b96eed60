"""Worker processes that end when the build that started them ends.

A build killed with SIGKILL runs no cleanup, and a worker process it left behind would keep
rendering, hold the topic's lock (inherited with the lock file's descriptor) and keep the
caller's output pipes open, so the next build would be refused and a caller waiting for the
output would wait forever. On Linux each worker asks the kernel to kill it when its parent
dies (`PR_SET_PDEATHSIG`), and leaves at once if the parent is already gone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext

_PR_SET_PDEATHSIG = 1


def pool(workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers die with this process. Workers are forked where the
    system can (Linux; Python 3.14 would otherwise start them from a server process, whose
    children are not ours to watch), so they also start without importing publish again."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context: BaseContext = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
