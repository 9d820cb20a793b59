"""Replace `site/` only with a build that finished: render elsewhere, then swap.

The staging folder sits beside `site/` (same file system), so the swap is two renames. A
build that fails or is killed leaves `site/` exactly as it was; leftovers of a killed build
are removed by the next one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


class SiteSwap:
    def __init__(self, site_dir: Path):
        self.site_dir = site_dir.resolve()
        parent = self.site_dir.parent
        parent.mkdir(parents=True, exist_ok=True)
        for leftover in parent.glob(f".{self.site_dir.name}.*-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        self.staging = parent / f".{self.site_dir.name}.staging-{os.getpid()}"
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir()

    def commit(self) -> None:
        """Put the finished build in place of `site/`."""
        old = self.site_dir.parent / f".{self.site_dir.name}.old-{os.getpid()}"
        if self.site_dir.exists():
            os.rename(self.site_dir, old)
        os.rename(self.staging, self.site_dir)
        shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
