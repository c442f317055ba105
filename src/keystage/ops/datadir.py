"""The data directory is private: folders 0700, files 0600 (database, key, mail, uploads)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def data_dir_secure(root: Path) -> int:
    """Make ``root`` and everything below it private to this user; the number of fixes.

    New files are private already (the settings set umask 077 and the upload
    permissions); this repairs what an older version or a copy left readable.
    Symbolic links are neither followed nor changed.
    """
    if not root.is_dir():
        return 0
    fixed = _fix(root, DIR_MODE)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            fixed += _fix(Path(folder) / name, DIR_MODE)
        for name in files:
            fixed += _fix(Path(folder) / name, FILE_MODE)
    return fixed


def _fix(path: Path, mode: int) -> int:
    try:
        info = path.lstat()
    except OSError:
        return 0
    if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) == mode:
        return 0
    try:
        path.chmod(mode)
    except OSError:  # not ours (e.g. a file another user left): leave it and go on
        return 0
    return 1
