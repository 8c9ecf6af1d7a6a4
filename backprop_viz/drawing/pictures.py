"""Frames as picture files, to take out of the notebook: SVG, PNG, animated GIF, PDF (one page per step).

A stepper as a page of its own, live, is :mod:`backprop_viz.frontend.page`."""

from __future__ import annotations

import html
import io
import math
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import graphviz

from ..engine.graph import Graph
from .layout import layout_of
from .painted import diagram, frame_diagram
from .step_states import StepState
from .words import frame_title

T = TypeVar("T")
MAX_PROCESSES = 8  # Graphviz processes at once when every frame is drawn
PALETTE_SAMPLE = 8_000_000  # pixels of frames a GIF's palette is made from, at most (fast, bounded memory)
PDF_CAPTION_SIZE = 14  # points, as Graphviz sizes text (the diagram's numbers are 13, its node names 16)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# What one export may cost, measured on the 2-core test machine (README: Limits). A GIF's time goes with its
# pixels (Graphviz draws each frame, about 0.17 s per million pixels); a PDF's with frames × (nodes + wires).
MAX_GIF_PIXELS = 60_000_000  # all frames together: the 2-2-1 network's 32 frames are 47 million, 7.8 s
MAX_PDF_SIZE = 40_000  # frames × (nodes + wires): the 4-4-3-1 network's 35,000, 9 s


def font_file() -> Path:
    """DejaVu Sans as matplotlib ships it: every symbol of the captions (∂ σ × − ⚠), the same file on every OS."""
    import matplotlib

    return Path(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")


def _font(size: int):
    """The captions' font at ``size`` pixels."""
    from PIL import ImageFont

    return ImageFont.truetype(str(font_file()), size)


def frame_image(g: Graph, frame: StepState, count: int, *, scale: float, theme: str):
    """A frame as a Pillow image: the diagram drawn by Graphviz with the step's explanation under it."""
    png = diagram(g, frame.index, scale=scale, theme=theme).pipe(format="png")
    return _captioned(png, frame, count, theme=theme, font=_font(_caption_size(scale)))


def _caption_size(scale: float) -> int:
    """The captions' font size in pixels."""
    return max(16, int(18 * scale))


def _captioned(png: bytes, frame: StepState, count: int, *, theme: str, font):
    """The diagram ``png`` on a page with the frame's title and explanation written under it in ``font``."""
    from PIL import Image, ImageDraw

    diagram = Image.open(io.BytesIO(png))
    dark = theme == "dark"
    background, ink = ((30, 30, 30), (235, 235, 235)) if dark else ((255, 255, 255), (0, 0, 0))
    size = font.size
    width = max(diagram.width, 40 * size)  # room for a line of words under a small diagram
    lines = [part for line in _caption(frame, count) for part in _wrapped(line, font, width)]
    caption_height = (size + 6) * len(lines) + 16
    page = Image.new("RGB", (width + 40, diagram.height + caption_height + 20), background)
    page.paste(diagram, (20, 10), diagram if diagram.mode == "RGBA" else None)
    draw = ImageDraw.Draw(page)
    y = diagram.height + 20
    for line in lines:
        draw.text((20, y), line, fill=ink, font=font)
        y += size + 6
    return page


def _caption(frame: StepState, count: int) -> list[str]:
    """What is written under a frame: its title, the step's arithmetic, its warning if any."""
    lines = [frame_title(frame, count)]
    lines += frame.step.lines if frame.step is not None else ["the inputs, before any step"]
    if frame.step is not None and frame.step.warning:
        lines.append("⚠ " + frame.step.warning)
    return lines


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


def _shares(count: int) -> list[range]:
    """``range(count)`` cut into a few consecutive shares, one per processor (at most ``MAX_PROCESSES``)."""
    n = max(1, min(MAX_PROCESSES, os.cpu_count() or 1, count))
    bounds = [count * k // n for k in range(n + 1)]
    return [range(a, b) for a, b in zip(bounds, bounds[1:], strict=False)]


def _by_shares(work: Callable[[range], list[T]], count: int) -> list[T]:
    """``work`` on each share of ``range(count)``, side by side in threads; the results joined in order."""
    shares = _shares(count)
    with ThreadPoolExecutor(max_workers=len(shares)) as pool:
        return [item for items in pool.map(work, shares) for item in items]


def _drawn(diagrams: list, fmt: str) -> list[bytes]:
    """Each diagram in ``fmt`` ("png" or "pdf"), from one Graphviz run for them all (a graph in, a file out)."""
    source = "\n".join(d.source for d in diagrams).encode()
    out = graphviz.pipe(diagrams[0].engine, fmt, source, neato_no_op=2, quiet=True)
    files = _split_pngs(out) if fmt == "png" else _split_pdfs(out)
    if len(files) != len(diagrams):
        raise RuntimeError(f"Graphviz wrote {len(files)} {fmt.upper()} files for {len(diagrams)} diagrams")
    return files


def _split_pdfs(data: bytes) -> list[bytes]:
    """PDF files written one after another, apart: each starts with ``%PDF-`` and ends with ``%%EOF``."""
    return [part for part in re.split(rb"(?<=%%EOF)\r?\n?(?=%PDF-)", data) if part]


def _split_pngs(data: bytes) -> list[bytes]:
    """PNG files written one after another, apart: each is a signature and chunks, the last one IEND."""
    pngs, start = [], 0
    while start < len(data):
        if data[start : start + 8] != PNG_SIGNATURE:
            raise ValueError(f"not a PNG file at byte {start}")
        at, kind = start + 8, b""
        while kind != b"IEND":
            length, kind = int.from_bytes(data[at : at + 4], "big"), data[at + 4 : at + 8]
            at += 12 + length  # length, type, data, CRC
        pngs.append(data[start:at])
        start = at
    return pngs


def check_export_cost(shown: Shown, kind: str) -> None:
    """GraphTooLarge, at once, for a GIF or PDF of ``shown`` that would take more than about 10 s."""
    from ..engine.errors import GraphTooLarge

    frames = len(shown.frames)
    if kind == "gif":
        x0, y0, x1, y1 = layout_of(shown.graph).canvas
        per_point = 96 * shown.scale / 72
        width, height = (x1 - x0) * per_point, (y1 - y0) * per_point
        pixels = frames * width * height
        if pixels > MAX_GIF_PIXELS:
            raise GraphTooLarge(
                f"a GIF of this stepper would be {frames:,} frames of about {width:,.0f}×{height:,.0f} px, "
                f"{pixels / 1e6:,.0f} million pixels (about {pixels * 0.17e-6:,.0f} s to draw); a GIF is made of "
                f"at most {MAX_GIF_PIXELS / 1e6:.0f} million. Save a .pdf (vector pages) instead, or show one "
                "pass (show='backward'), a smaller scale (scale=0.5) or a smaller graph."
            )
    elif kind == "pdf":
        size = frames * (shown.graph.shown_size // shown.graph.frame_count)
        if size > MAX_PDF_SIZE:
            raise GraphTooLarge(
                f"a PDF of this stepper would be {frames:,} pages of {size // frames:,} nodes and wires each, "
                f"{size:,} in all (about {size * 0.25e-3:,.0f} s to draw); a PDF is made of at most "
                f"{MAX_PDF_SIZE:,}. Show one pass (show='backward'), save the steps you need one by one "
                "(s.step = k; s.save('step.svg')), or draw a smaller graph."
            )


@dataclass(frozen=True)
class Shown:
    """The frames of one graph that a stepper shows, and how they are drawn: what ``save_frames`` writes."""

    graph: Graph
    frames: list[StepState]  # all the graph's frames, or those of one pass (Stepper's ``show``)
    scale: float = 1.0
    theme: str = "light"
    interval_ms: int = 900  # between a GIF's frames

    def diagrams(self) -> list[graphviz.Digraph]:
        """Each frame's diagram, as ``diagram`` draws it (from the frames made already: diagram would make
        every frame up to its own, 9.6 s for the 262 of the 4-6-5-1 network)."""
        return [frame_diagram(self.graph, f, scale=self.scale, theme=self.theme) for f in self.frames]


def _frame_images(shown: Shown) -> list:
    """Every frame as ``frame_image`` draws it: a Graphviz run per processor, each drawing a share of the
    frames (starting a process for each frame costs a third of the time), side by side in threads."""
    diagrams, frames, count = shown.diagrams(), shown.frames, shown.graph.frame_count  # built here, in order

    def share_of(share: range) -> list:
        font = _font(_caption_size(shown.scale))  # a font for each thread: no FreeType face used by two at once
        pngs = _drawn([diagrams[k] for k in share], "png")
        return [
            _captioned(png, frames[k], count, theme=shown.theme, font=font) for png, k in zip(pngs, share, strict=True)
        ]

    return _by_shares(share_of, len(frames))


def _palette(images: list):
    """One 256-colour palette for all ``images``, from a strip of them all (shrunk, keeping exact colours,
    when large). Pillow's default, a palette made for each frame, takes most of a GIF's time."""
    from PIL import Image

    shrink = max(1, math.ceil(math.sqrt(sum(i.width * i.height for i in images) / PALETTE_SAMPLE)))
    sizes = [(max(1, i.width // shrink), max(1, i.height // shrink)) for i in images]
    strip = Image.new("RGB", (max(w for w, _ in sizes), sum(h for _, h in sizes)), images[0].getpixel((0, 0)))
    y = 0
    for image, size in zip(images, sizes, strict=True):
        strip.paste(image if shrink == 1 else image.resize(size, Image.Resampling.NEAREST), (0, y))
        y += size[1]
    return strip.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)


def _save_gif(images: list, path: Path, interval_ms: int) -> None:
    """An animated GIF of ``images``, every frame the same size and in one palette."""
    from PIL import Image

    palette = _palette(images)
    width, height = max(i.width for i in images), max(i.height for i in images)
    pages = []
    for image in images:  # one size for every page: frames may differ by a few pixels
        page = Image.new("RGB", (width, height), image.getpixel((0, 0)))
        page.paste(image, (0, 0))
        pages.append(page.quantize(palette=palette, dither=Image.Dither.NONE))
    pages[0].save(path, save_all=True, append_images=pages[1:], duration=interval_ms, loop=0)


def _save_pdf(shown: Shown, path: Path) -> None:
    """One vector page per frame: Graphviz draws each diagram as PDF with its caption as the graph's label
    (text stays text: it can be searched, copied and zoomed), and pypdf puts the pages in one file."""
    from pypdf import PdfReader, PdfWriter

    x0, _, x1, _ = layout_of(shown.graph).canvas
    font = _font(PDF_CAPTION_SIZE)  # to break lines at the diagram's width, in points like Graphviz's
    count, frames = shown.graph.frame_count, shown.frames
    captions = [[part for line in _caption(f, count) for part in _wrapped(line, font, x1 - x0)] for f in frames]
    lines = max(len(c) for c in captions)  # every page as tall as the tallest: the diagram stays in place
    diagrams = shown.diagrams()
    for page, caption in zip(diagrams, captions, strict=True):  # margin: PDF's default is a white border
        page.attr("graph", label=_label(caption, lines), labelloc="b", labeljust="l", fontsize=str(PDF_CAPTION_SIZE))
        page.attr("graph", margin="0")
    pdfs = _by_shares(lambda share: _drawn([diagrams[k] for k in share], "pdf"), len(frames))
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    with path.open("wb") as out:
        writer.write(out)


def _label(lines: list[str], count: int) -> str:
    """A Graphviz HTML-like label: ``lines`` left-aligned, then blank lines up to ``count``."""
    padded = [html.escape(line) for line in lines] + [" "] * (count - len(lines))
    return "<" + "".join(line + '<br align="left"/>' for line in padded) + ">"


def save_frames(shown: Shown, path: str | Path, *, current: int, svg: str) -> Path:
    """Write ``path`` by its suffix: .svg/.png frame ``current`` (``svg``: its SVG, as the stepper has it),
    .gif every frame animated, .pdf a page each."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + svg, encoding="utf-8")
    elif suffix == ".png":
        frame = shown.frames[current]
        path.write_bytes(diagram(shown.graph, frame.index, scale=shown.scale, theme=shown.theme).pipe(format="png"))
    elif suffix == ".gif":
        check_export_cost(shown, "gif")
        _save_gif(_frame_images(shown), path, shown.interval_ms)
    elif suffix == ".pdf":
        check_export_cost(shown, "pdf")
        _save_pdf(shown, path)
    else:
        raise ValueError(f"cannot save {path.name!r}: use .svg, .png, .gif or .pdf")
    return path
