"""Map symbols as small inline SVG: no icon fonts or images, so nothing is fetched.

The same drawing serves the marker on the map and its entry in the legend. Point symbols
are drawn in a 24x24 box centred on the place; line symbols are a short sample of the line.
"""

from __future__ import annotations

from geomap.html import css_colour

__all__ = ["POINT_SYMBOLS", "LINE_SYMBOLS", "symbol_svg", "arrow_svg"]

# Shapes inside a 24x24 viewBox, centred on (12, 12).
_SHAPES: dict[str, str] = {
    "circle": '<circle cx="12" cy="12" r="8"/>',
    "square": '<rect x="4" y="5" width="16" height="14" rx="1.5"/>',
    "diamond": '<path d="M12 2 22 12 12 22 2 12Z"/>',
    "triangle": '<path d="M12 3 22 20H2Z"/>',
    "star": '<path d="M12 1.5 14.9 8.6 22.5 9.1 16.6 14 18.5 21.5 12 17.3 5.5 21.5 7.4 14 1.5 9.1 9.1 8.6Z"/>',
    "bubble": '<path d="M4 4H20Q22 4 22 6V15Q22 17 20 17H11L6 21.5V17H4Q2 17 2 15V6Q2 4 4 4Z"/>',
    "hexagon": '<path d="M7 3H17L22 12 17 21H7L2 12Z"/>',
}
POINT_SYMBOLS = frozenset(_SHAPES) | {"ring", "arrow"}
LINE_SYMBOLS = {"line": "", "dashed": "8 6", "dotted": "2 5", "faint": ""}


def symbol_svg(symbol: str, colour: str, size: int = 22) -> str:
    """The SVG of a point or line symbol in ``colour`` (white outline, so it shows on any ground)."""
    colour = css_colour(colour)
    if symbol == "arrow":
        return arrow_svg(colour, size)
    if symbol in LINE_SYMBOLS:
        dash = LINE_SYMBOLS[symbol]
        opacity = "0.35" if symbol == "faint" else "1"
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{size + 8}" height="{size // 2}" '
            f'viewBox="0 0 30 10" aria-hidden="true"><path d="M1 5H29" stroke="{colour}" '
            f'stroke-width="3" stroke-opacity="{opacity}"{dash_attr} fill="none"/></svg>'
        )
    if symbol == "ring":
        shape = '<circle cx="12" cy="12" r="6"/>'
        style = f'fill="#ffffff" stroke="{colour}" stroke-width="3"'
    else:
        shape = _SHAPES.get(symbol, _SHAPES["circle"])
        style = f'fill="{colour}" stroke="#ffffff" stroke-width="1.8" stroke-linejoin="round"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 24 24" '
        f'aria-hidden="true"><g {style}>{shape}</g></svg>'
    )


def arrow_svg(colour: str, size: int = 32) -> str:
    """An arrowhead pointing east whose tip is the centre of the box, to be rotated about it."""
    colour = css_colour(colour)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 32 32" '
        f'aria-hidden="true"><path d="M16 16 1.5 8.5 5.5 16 1.5 23.5Z" fill="{colour}" '
        f'stroke="#ffffff" stroke-width="1.2" stroke-linejoin="round"/></svg>'
    )
