"""Text as every output can take it: a terminal, a one-line label, a PDF with one font.

What a catalog, a settings file or a command line hands over may hold control characters (an
escape sequence that recolours the terminal), line breaks where one line is drawn, unpaired
surrogates no encoder writes, or be 100,000 characters long. These functions make it safe to
show, visibly (an escape or a substitute, never silently dropped).
"""

from __future__ import annotations

import re
import unicodedata

#: The most of a user's query (or any echoed input) an error message repeats.
MAX_ECHO = 80
#: Clinic and patient details: the same limits in the settings, on the command line, in the
#: dialogs and in the handout.
MAX_CLINIC_NAME = 120
MAX_PATIENT_NAME = 120
MAX_CONTACT_LINES = 8
MAX_CONTACT_LINE = 120
MAX_HANDOUT_NOTE = 2000

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    ch = match.group()
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    r"""``text`` with every control, invisible-formatting and unpaired-surrogate character
    written as an escape (``\x1b``); line breaks and tabs kept.
    """
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def one_line(text: str) -> str:
    """``text`` for a one-line label: line breaks, tabs and other controls become spaces,
    unpaired surrogates the replacement character.
    """
    out = []
    for ch in text:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")
        elif unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
            out.append(" ")
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def cut(text: str, limit: int) -> str:
    """``text`` of at most ``limit`` characters, ending in an ellipsis when it was cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def echo(text: str, limit: int = MAX_ECHO) -> str:
    """A user's input as a message repeats it: quoted, escaped, and cut at ``limit``."""
    return repr(cut(terminal_safe(text), limit)) if len(text) > limit else repr(text)
