"""Exports that work on every OS: the captions' font, the GIF, the vector PDF."""

import io
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from PIL import Image

import backprop_viz as bv
from backprop_viz.drawing import pictures
from backprop_viz.drawing.pictures import _font, font_file, frame_image
from backprop_viz.drawing.words import frame_title

SYMBOLS = "∂σ×−⚠"  # what the captions write besides ASCII


def a3() -> bv.Stepper:
    """The sigmoid neuron of deck 000, gate by gate: 18 frames."""
    return bv.Stepper("f = sigmoid(w0*x0 + w1*x1 + w2)", expand=True, w0=2, x0=-1, w1=-3, x1=-2, w2=-3)


def test_captions_use_the_dejavu_sans_that_matplotlib_ships() -> None:
    """No system font needed: the file comes with a dependency, so macOS and Windows draw the same."""
    font = _font(18)
    assert Path(font.path) == font_file()
    assert font_file().is_relative_to(Path(matplotlib.get_data_path()))
    assert font.getname() == ("DejaVu Sans", "Book")


def test_every_caption_symbol_has_a_glyph() -> None:
    font = _font(18)
    missing = bytes(font.getmask("\ue000"))  # a private-use character: drawn as the font's missing-glyph box
    for symbol in SYMBOLS:
        mask = font.getmask(symbol)
        assert mask.getbbox() is not None and bytes(mask) != missing, symbol


def test_gif_frames_are_the_frame_images_in_order(tmp_path, monkeypatch) -> None:
    """Drawn by three Graphviz runs side by side and put in one palette, each frame is still its own image."""
    monkeypatch.setattr(pictures.os, "cpu_count", lambda: 3)
    s = a3()
    gif = Image.open(s.save(tmp_path / "a3.gif"))
    assert gif.n_frames == len(s) == 18
    for k in (0, 5, 6, 11, 17):  # across the three shares
        gif.seek(k)
        got = np.asarray(gif.convert("RGB"), dtype=int)
        want = np.asarray(frame_image(s.graph, s.frames[k], len(s), scale=1, theme="light"), dtype=int)
        diff = np.abs(got[: want.shape[0], : want.shape[1]] - want).max(axis=2)
        assert diff.mean() < 2 and (diff > 48).mean() < 1e-3, k


def test_pngs_written_one_after_another_are_split_apart() -> None:
    def png(colour: str) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (3, 2), colour).save(out, format="PNG")
        return out.getvalue()

    red, blue = png("red"), png("blue")
    assert pictures._split_pngs(red + blue + red) == [red, blue, red]
    with pytest.raises(ValueError, match="not a PNG"):
        pictures._split_pngs(red + b"GIF89a")


def test_pdf_is_vector_with_one_page_per_frame(tmp_path, monkeypatch) -> None:
    """Graphviz draws each page (three runs side by side): shapes and text, no picture; the caption is
    text that can be searched."""
    from pypdf import PdfReader

    monkeypatch.setattr(pictures.os, "cpu_count", lambda: 3)
    s = a3()
    reader = PdfReader(s.save(tmp_path / "a3.pdf"))
    assert len(reader.pages) == len(s)
    assert len({tuple(page.mediabox) for page in reader.pages}) == 1  # one page size: the diagram stays put
    for frame, page in zip(s.frames, reader.pages, strict=True):
        resources = page["/Resources"]
        assert "/Font" in resources and "/XObject" not in resources  # fonts, no image
        content = page.get_contents().get_data()
        assert b"BT" in content and b"TJ" in content  # text drawn as text
        background = re.search(rb"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re f", content).groups()
        x, y, width, height = map(float, background)  # the first fill: the background, edge to edge
        assert (x, y) == (0, 0) and abs(width - float(page.mediabox.width)) < 1, "a border around the page"
        text = page.extract_text()
        assert frame_title(frame, len(s)) in text
        if frame.step is not None:
            assert all(line in text for line in frame.step.lines)
    assert "∂f/∂mul1 = ∂f/∂add1 · ∂add1/∂mul1 = (0.1966)(1) = 0.1966" in reader.pages[15].extract_text()


def test_pdf_captions_are_wrapped_to_the_diagram() -> None:
    lines = pictures._wrapped("into q: downstream = upstream × local = (1)(-3) = -3, " * 4, _font(14), 300)
    label = pictures._label(lines, len(lines) + 2)
    assert label.startswith("<") and label.endswith(">")
    assert label.count('<br align="left"/>') == len(lines) + 2
    assert "&lt;" in pictures._label(["a < b"], 1)  # the text is escaped, not markup
