"""Pictures a notebook sends, as compact PNGs: 128 colours instead of millions.

A plot of lines and level curves needs few colours, and a saved notebook keeps every picture:
this makes the notebooks' figures about four times lighter for the same look. In a notebook's
kernel, :mod:`backprop_viz.frontend.notebook` sends every PNG picture through :func:`compact_message`.
"""

from __future__ import annotations

import base64
import binascii
import io

COLOURS = 128
SMALL = 8_000  # bytes of base64: a picture this small is left as it is


def compact_png(png: bytes, colours: int = COLOURS) -> bytes:
    """``png`` with at most ``colours`` colours (no dithering: flat areas stay flat), or as it was if that
    is smaller. A diagram of a few flat colours takes 16."""
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    image = image.convert("RGB").quantize(colors=colours, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return min(out.getvalue(), png, key=len)


def compact_message(msg: dict) -> dict:
    """A display message with its PNG picture compacted (a hook of the kernel's display publisher).
    A widget's still picture is compact already."""
    data = msg.get("content", {}).get("data", {})
    png = data.get("image/png")
    if isinstance(png, str) and len(png) > SMALL and "application/vnd.jupyter.widget-view+json" not in data:
        try:
            data["image/png"] = base64.b64encode(compact_png(base64.b64decode(png))).decode("ascii")
        except (binascii.Error, OSError, ValueError):
            pass  # not a picture PIL reads: sent as it is
    return msg
