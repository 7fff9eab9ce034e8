"""Whether the process that named a leftover folder after itself is still running."""

from __future__ import annotations

import os


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs (also when it is another user's); False for no possible pid."""
    if pid <= 0:  # kill() would address a process group
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True
