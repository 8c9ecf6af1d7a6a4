"""Taking frames out of the notebook: SVG, PNG, animated GIF, PDF (one page per step), standalone HTML."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

from .draw import render
from .frame_html import frame_title
from .frames import Frame
from .graph import Graph

FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf")


def _font(size: int):
    from PIL import ImageFont

    for name in FONT_FILES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def frame_image(g: Graph, frame: Frame, count: int, *, scale: float, theme: str):
    """A frame as a Pillow image: the diagram drawn by Graphviz with the step's explanation under it."""
    from PIL import Image, ImageDraw

    diagram = Image.open(io.BytesIO(render(g, frame.index, scale=scale, theme=theme).pipe(format="png")))
    dark = theme == "dark"
    background, ink = ((30, 30, 30), (235, 235, 235)) if dark else ((255, 255, 255), (0, 0, 0))
    size = max(16, int(18 * scale))
    font = _font(size)
    lines = [frame_title(frame, count)]
    lines += frame.step.lines if frame.step is not None else ["the inputs, before any step"]
    if frame.step is not None and frame.step.warning:
        lines.append("⚠ " + frame.step.warning)
    width = max(diagram.width, 40 * size)  # room for a line of words under a small diagram
    lines = [part for line in lines for part in _wrapped(line, font, width)]
    caption_height = (size + 6) * len(lines) + 16
    page = Image.new("RGB", (width + 40, diagram.height + caption_height + 20), background)
    page.paste(diagram, (20, 10), diagram if diagram.mode == "RGBA" else None)
    draw = ImageDraw.Draw(page)
    y = diagram.height + 20
    for line in lines:
        draw.text((20, y), line, fill=ink, font=font)
        y += size + 6
    return page


def _wrapped(line: str, font, width: int) -> list[str]:
    """``line`` broken at spaces into pieces no wider than ``width`` pixels in ``font``."""
    out, current = [], ""
    for word in line.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and font.getlength(candidate) > width:
            out.append(current)
            current = "    " + word  # a continued line is indented
        else:
            current = candidate
    return [*out, current]


def save_frames(
    g: Graph,
    frames: list[Frame],
    count: int,
    path: str | Path,
    *,
    current: int,
    scale: float,
    theme: str,
    interval_ms: int,
    svg: str,
) -> Path:
    """Write ``path`` by its suffix: .svg/.png the current frame, .gif all frames animated, .pdf a page each."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + svg, encoding="utf-8")
    elif suffix == ".png":
        path.write_bytes(render(g, frames[current].index, scale=scale, theme=theme).pipe(format="png"))
    elif suffix in (".gif", ".pdf"):
        images = [frame_image(g, f, count, scale=scale, theme=theme) for f in frames]
        width = max(i.width for i in images)
        height = max(i.height for i in images)
        pages = []
        for image in images:  # one size for every page: frames may differ by a few pixels
            from PIL import Image

            page = Image.new("RGB", (width, height), image.getpixel((0, 0)))
            page.paste(image, (0, 0))
            pages.append(page)
        if suffix == ".gif":
            pages[0].save(path, save_all=True, append_images=pages[1:], duration=interval_ms, loop=0)
        else:
            pages[0].save(path, save_all=True, append_images=pages[1:], resolution=96 * scale)
    else:
        raise ValueError(f"cannot save {path.name!r}: use .svg, .png, .gif or .pdf")
    return path


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:"DejaVu Sans",system-ui,sans-serif;margin:1.5em;background:{bg};color:{fg}}}
{css}</style></head>
<body><h2>{title}</h2>
<div class="bv-stepper" id="bv-stepper"></div>
<script type="application/json" id="bv-state">{state}</script>
<script type="module">
{js}
const state = JSON.parse(document.getElementById("bv-state").textContent);
const listeners = {{}};
const model = {{
  get: (key) => state[key],
  set: (key, value) => {{ state[key] = value; }},
  save_changes: () => {{}},
  send: () => {{}},
  on: (name, callback) => {{ (listeners[name] = listeners[name] || []).push(callback); }},
  off: () => {{}},
}};
render({{ model, el: document.getElementById("bv-stepper") }});
document.querySelector("#bv-stepper .bv-player").focus({{ preventScroll: true }});
</script></body></html>
"""


def standalone_html(title: str, state: dict, *, theme: str) -> str:
    """One self-contained page: the stepper's own script and style inlined, its data as JSON, no network."""
    from .player import STATIC

    dark = theme == "dark"
    data = json.dumps(state, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return PAGE.format(
        title=html.escape(title),
        state=data,
        js=(STATIC / "player.js").read_text(encoding="utf-8").replace("export default { render };", ""),
        css=(STATIC / "player.css").read_text(encoding="utf-8"),
        bg="#1e1e1e" if dark else "#ffffff",
        fg="#eeeeee" if dark else "#000000",
    )
