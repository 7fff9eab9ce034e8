"""Delete a folder the build wrote, even when someone made it read-only.

Standard library only: ``publish.remove_in_background`` runs this file as a script with
``python -I -S`` (no site packages), so a large old output is deleted by a detached process.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys


def _make_writable(root: str) -> None:
    """Owner write and search permission on ``root`` and every folder below it (links
    are never followed: their targets are not ours)."""
    for folder, subfolders, _ in os.walk(root):
        for name in (".", *subfolders):
            path = os.path.join(folder, name)
            try:
                if not os.path.islink(path):
                    os.chmod(path, os.stat(path).st_mode | stat.S_IRWXU)
            except OSError:
                continue


def remove_tree(root: str) -> None:
    """``shutil.rmtree`` that also deletes files in read-only folders; never raises."""
    if os.path.islink(root):
        return
    shutil.rmtree(root, ignore_errors=True)
    if os.path.lexists(root):
        try:
            os.chmod(root, os.stat(root).st_mode | stat.S_IRWXU)
        except OSError:
            return
        _make_writable(root)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    remove_tree(sys.argv[1])
