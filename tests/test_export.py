"""Exports that work on every OS: caption font, GIF, vector PDF."""

from pathlib import Path

import matplotlib

from backprop_viz.export import _font, font_file

SYMBOLS = "∂σ×−⚠"  # what the captions write besides ASCII


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
