"""Taking frames out of the notebook: SVG, PNG, animated GIF, PDF (one page per step), standalone HTML."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

from .draw import render
from .frame_html import FOLLOW_JS, STYLE, frame_title
from .frames import Frame
from .graph import Graph


def font_file() -> Path:
    """DejaVu Sans as matplotlib ships it: every symbol of the captions (∂ σ × − ⚠), the same file on every OS."""
    import matplotlib

    return Path(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")


def _font(size: int):
    """The captions' font at ``size`` pixels."""
    from PIL import ImageFont

    return ImageFont.truetype(str(font_file()), size)


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
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:"DejaVu Sans",system-ui,sans-serif;margin:1.5em;background:{bg};color:{fg}}}
.bv-controls{{display:flex;gap:.5em;align-items:center;margin-bottom:.5em}}
.bv-controls button{{font-size:1.1em;min-width:2.4em}} input[type=range]{{width:24em}}
{style}</style></head>
<body><h2>{title}</h2>
<div class="bv-stepper">
<div class="bv-controls"><button class="bv-play" title="play / pause">▶</button>
<button class="bv-prev" title="previous step (←)">◀ back</button>
<input class="bv-slider" type="range" min="0" max="{last}" value="{start}" aria-label="step">
<button class="bv-next" title="next step (→)">next ▶</button><span class="bv-counter"></span></div>
{frames}
</div>
<script>
(function () {{
  var frames = document.querySelectorAll(".bv-frame"), slider = document.querySelector(".bv-slider");
  var counter = document.querySelector(".bv-counter"), play = document.querySelector(".bv-play"), timer = null;
  function show(k) {{
    k = Math.max(0, Math.min(frames.length - 1, k));
    for (var i = 0; i < frames.length; i++) frames[i].hidden = (i !== k);
    slider.value = k; counter.textContent = k + " / " + (frames.length - 1);
    follow(frames[k]);
  }}
  function follow(f) {{ {follow} }}
  function current() {{ return parseInt(slider.value, 10); }}
  slider.addEventListener("input", function () {{ show(current()); }});
  document.querySelector(".bv-prev").onclick = function () {{ show(current() - 1); }};
  document.querySelector(".bv-next").onclick = function () {{ show(current() + 1); }};
  play.onclick = function () {{
    if (timer) {{ clearInterval(timer); timer = null; play.textContent = "▶"; return; }}
    if (current() === frames.length - 1) show(0);
    play.textContent = "❚❚";
    timer = setInterval(function () {{
      if (current() >= frames.length - 1) {{ clearInterval(timer); timer = null; play.textContent = "▶"; return; }}
      show(current() + 1);
    }}, {interval});
  }};
  document.addEventListener("keydown", function (e) {{
    if (e.target === slider) return;  // a focused range input steps by itself and says so with "input"
    if (e.key === "ArrowRight") show(current() + 1);
    if (e.key === "ArrowLeft") show(current() - 1);
  }});
  show(current());
}})();
</script></body></html>
"""


def standalone_html(title: str, frame_divs: list[str], start: int, *, theme: str, interval_ms: int) -> str:
    """One self-contained page: every frame inline, a small script to step, nothing from the network."""
    dark = theme == "dark"
    return PAGE.format(
        title=html.escape(title),
        last=len(frame_divs) - 1,
        start=start,
        frames="\n".join(frame_divs),
        follow=FOLLOW_JS,
        style=STYLE,
        interval=json.dumps(interval_ms),
        bg="#1e1e1e" if dark else "#ffffff",
        fg="#eeeeee" if dark else "#000000",
    )
