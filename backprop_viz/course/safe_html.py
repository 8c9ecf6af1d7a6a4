"""HTML that a notebook carries, made safe to put in a page, as JupyterLab shows an untrusted notebook.

Kept: text markup, headings, lists, tables, code, images (from the web or as ``data:image/…``), links
whose scheme is http, https or mailto (or relative), details/summary, MathML, classes, ids, and a few
style properties (colours, weight, alignment, borders, spacing). Dropped: scripts and style sheets
with their content, event handlers, iframes, forms, SVG drawn inline, ``javascript:`` and other
schemes, comments. The sanitizer is ammonia's (``nh3``), maintained and used widely; this module
only says what it lets through.
"""

from __future__ import annotations

import re

MATHML = frozenset(
    "math mi mn mo ms mtext mspace mrow mfrac msqrt mroot mstyle merror mpadded mphantom menclose msub msup "
    "msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr mtd semantics annotation".split()
)
MATHML_ATTRIBUTES = frozenset(
    "display xmlns mathvariant mathsize mathcolor mathbackground displaystyle scriptlevel stretchy fence "
    "separator form lspace rspace minsize maxsize movablelimits largeop symmetric accent accentunder "
    "linethickness notation columnalign rowalign columnspacing rowspacing columnlines rowlines frame "
    "columnspan rowspan width height depth voffset linebreak encoding".split()
)
EVERYWHERE = frozenset({"class", "id", "title", "lang", "dir", "style"})
STYLE = frozenset(
    "color background background-color font-weight font-style font-size font-family text-align "
    "vertical-align text-decoration white-space border border-top border-bottom border-left border-right "
    "border-color border-collapse border-spacing padding padding-left padding-right margin margin-left "
    "margin-right width max-width min-width height line-height".split()
)
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "longdesc", "action", "background", "poster"})
DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml)[;,]", re.IGNORECASE)


def _tags() -> set[str]:
    import nh3

    return (set(nh3.ALLOWED_TAGS) | {"details", "summary", "figure", "figcaption"} | MATHML) - {"area", "map"}


def _attributes() -> dict[str, set[str]]:
    import nh3

    attributes = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
    attributes["*"] = set(EVERYWHERE)
    attributes.setdefault("img", set()).update({"alt", "src", "width", "height"})
    attributes.setdefault("details", set()).add("open")
    for tag in MATHML:
        attributes.setdefault(tag, set()).update(MATHML_ATTRIBUTES)
    return attributes


def _only_image_data(tag: str, attribute: str, value: str) -> str | None:
    """A ``data:`` URL only as an image's source (where no script in it runs), never as a link."""
    if attribute in URL_ATTRIBUTES and value.strip().lower().startswith("data:"):
        return value if tag == "img" and attribute == "src" and DATA_IMAGE.match(value.strip()) else None
    return value


_CLEANER = None


def clean(html: str) -> str:
    """``html`` with only what the module's docstring keeps."""
    global _CLEANER
    if _CLEANER is None:
        import nh3

        _CLEANER = nh3.Cleaner(
            tags=_tags(),
            attributes=_attributes(),
            attribute_filter=_only_image_data,
            url_schemes={"http", "https", "mailto", "data"},
            filter_style_properties=set(STYLE),
            link_rel="noopener noreferrer",
        )
    return _CLEANER.clean(html)
