"""Crash points for fault-injection tests: CHISO_FAILPOINTS=name[,name] kills the process there.

The kill is SIGKILL, so no cleanup runs: exactly what a power cut or OOM kill does.
"""

import os
import signal


def hit(name: str) -> None:
    if name in os.environ.get("CHISO_FAILPOINTS", "").split(","):
        os.kill(os.getpid(), signal.SIGKILL)
