"""The README and the docs read cleanly: no word written twice in a row."""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def _prose(text: str) -> str:
    """The text without code blocks and inline code (commands may repeat a word)."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    return re.sub(r"`[^`]*`", " CODE ", text)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_no_doubled_words(doc):
    found = re.finditer(r"\b([A-Za-z]+)\s+\1\b", _prose(doc.read_text()), re.I)
    doubled = [m.group(0) for m in found if m.group(1) != "CODE"]
    assert doubled == [], f"{doc.name}: {doubled}"
