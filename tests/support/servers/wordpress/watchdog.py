"""Ends a test site's servers and removes its folder when the test process that made it dies
without cleaning up (killed by a timeout, say): pytest's finalizers never run then.

python watchdog.py <test process id> <site folder>; exits quietly once the folder is gone.
"""

import contextlib
import os
import shutil
import signal
import sys
import time
from pathlib import Path

parent, root = int(sys.argv[1]), Path(sys.argv[2])
while root.exists():
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        break
    time.sleep(1)
else:
    sys.exit(0)
for name in ("web.pgid", "database.pgid"):
    with contextlib.suppress(OSError, ValueError):
        os.killpg(int((root / name).read_text()), signal.SIGKILL)
shutil.rmtree(root, ignore_errors=True)
