"""The signature check that docs/alerts.md gives receivers accepts what chiso signs."""

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chiso_alerts.notify.webhook import sign

DOC = Path(__file__).parents[2] / "docs" / "alerts.md"


def documented_verify() -> Callable[..., bool]:
    (snippet,) = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    scope: dict[str, Any] = {}
    exec(compile(snippet, str(DOC), "exec"), scope)  # noqa: S102 (our own documentation)
    verify: Callable[..., bool] = scope["verify"]
    return verify


def test_the_documented_check_accepts_chisos_signature_and_nothing_else() -> None:
    verify = documented_verify()
    body = '{"version":"4","receiver":"Tam Đường"}'.encode()
    header = sign("the secret", body, int(time.time()))
    assert verify("the secret", header, body)
    assert not verify("another secret", header, body)
    assert not verify("the secret", header, body + b"\n")
    old = sign("the secret", body, int(time.time()) - 600)
    assert not verify("the secret", old, body)
