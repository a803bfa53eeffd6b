"""Control characters in text: removed from data, escaped in messages (floor: beside model).

C0 control characters other than tab, newline and carriage return, and DEL, are invalid in XML
(KML), cut strings in a GeoPackage (NUL), and move or recolour a terminal when a message echoes
them (ESC, BEL). Readers remove them from every text field (with a warning), writers of XML
and GeoPackage remove them from what the Python API hands them, and the CLI shows any left in
a message as ``\\xNN``.
"""

from __future__ import annotations

import re

__all__ = ["CONTROLS", "strip_controls", "escape_controls"]

CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # also C1 (CSI ...) in messages


def strip_controls(value: str) -> str:
    """``value`` without control characters (see the module docstring)."""
    return CONTROLS.sub("", value) if CONTROLS.search(value) else value


def escape_controls(value: str) -> str:
    """``value`` with control characters (ESC, BEL, C1 included) shown as ``\\xNN``, for messages."""
    return _SHOWN.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
