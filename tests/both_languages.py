"""Reading a refusal said in both languages, "<tiếng Việt> / <English>"."""

import re

BOTH = re.compile(r"^(?P<vi>.+?) / (?P<en>.+)$", re.DOTALL)


def halves(said: object) -> tuple[str, str]:
    """The Vietnamese and English halves of an error or a line; fails when it is not both."""
    both = BOTH.match(str(said).strip())
    assert both is not None, said
    return both["vi"], both["en"]
