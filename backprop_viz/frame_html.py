"""One frame as HTML: the phase and step title, the diagram, the explanation and the table of nodes.

Shared by the stepper widget and the self-contained HTML export. The explanations'
math is HTML (see :mod:`backprop_viz.notation`): it needs no typesetter, so both
show a step as soon as it is chosen, and look the same.
"""

from __future__ import annotations

import html

from .frames import Frame
from .graph import Graph
from .notation import HTML_MATH

STYLE = """
.bv-frame{font-family:"DejaVu Sans",system-ui,sans-serif;color:inherit;line-height:1.35}
.bv-head{display:flex;gap:.6em;align-items:center;margin:.2em 0 .4em 0;font-size:1.05em}
.bv-phase{font-weight:bold;border-radius:.3em;padding:.05em .5em;font-size:.85em;letter-spacing:.05em}
.bv-phase-start{background:#dddddd;color:#000}
.bv-phase-forward{background:#0072b2;color:#fff}
.bv-phase-backward{background:#d55e00;color:#fff}
.bv-body{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}
.bv-main{max-width:100%;min-width:0}
.bv-scroll{max-width:100%;overflow-x:auto}
.bv-follow{display:none}
:is(.bv-stepper,.bv-network-view)>.widget-box:not(.widget-hbox)>:is(.widget-html,.widget-htmlmath),
:is(.bv-stepper,.bv-network-view)>.widget-box:not(.widget-hbox)>*>:is(.widget-html-content,.widget-htmlmath-content){min-width:0}
svg.bv-diagram.bv-light{background:#ffffff}
svg.bv-diagram.bv-dark{background:#1e1e1e}
.bv-explanation{margin:.5em 0;font-size:1.1em;line-height:1.5}
.bv-explanation>div{margin:.25em 0}
.bv-explanation i{font-family:"DejaVu Serif",Georgia,serif}
.bv-frac{display:inline-flex;flex-direction:column;vertical-align:middle;text-align:center;font-size:.95em;
line-height:1.15;margin:0 .15em}
.bv-frac>span+span{border-top:1px solid currentColor}
.bv-warning-text{color:#cc0000;font-weight:bold}
.bv-table{border-collapse:collapse;font-size:.9em}
.bv-table td,.bv-table th{padding:.1em .6em;text-align:right;border-bottom:1px solid rgba(128,128,128,.3)}
.bv-table td:first-child,.bv-table th:first-child{text-align:left}
.bv-table tr.bv-row-current{background:rgba(240,228,66,.45);font-weight:bold}
.bv-legend{font-size:.85em;opacity:.8}
.bv-legend-value{color:#0072b2}.bv-legend-grad{color:#d55e00}
.bv-frame:has(svg.bv-dark) .bv-legend-value{color:#56b4e9}.bv-frame:has(svg.bv-dark) .bv-legend-grad{color:#ff9a5c}
"""

LEGEND = (
    '<div class="bv-legend"><span class="bv-legend-value">value above each wire</span> · '
    '<span class="bv-legend-grad">∂ gradient of {f} below</span> · highlighted: this step</div>'
)


def frame_title(frame: Frame, count: int) -> str:
    if frame.step is None:
        return f"Step 0 of {count - 1}: the inputs"
    return f"Step {frame.index} of {count - 1}: {frame.step.title}"


def explanation(g: Graph, frame: Frame) -> str:
    """The words under the diagram: what this step computed, with the numbers, a line per input."""
    step = frame.step
    if step is None:
        inputs = ", ".join(
            f"{n.name} = {n.value if not isinstance(n.value, float) else _num(n.value)}" for n in g.inputs if n.name
        )
        text = f"The inputs: {inputs}. Step forward to compute each gate, then backward to get the gradients."
        return html.escape(text)
    body = "".join(f"<div>{line}</div>" for line in step.written(HTML_MATH))
    if step.warning:
        body += f'<div class="bv-warning-text">⚠ {html.escape(step.warning)}</div>'
    return body


def _num(v: float) -> str:
    from .numbers import fmt

    return fmt(v)


SMALL_GRAPH = 20  # nodes: up to this, the table lists every gate; beyond, the named nodes and the current one


def table(g: Graph, frame: Frame) -> str:
    """Node, value and gradient as known at this frame; the current node's row highlighted."""
    f = html.escape(g.output_label)
    rows = [f"<tr><th>node</th><th>value</th><th>∂{f}/∂node</th></tr>"]
    current = frame.node.index if frame.node is not None else -1
    for n in g.nodes:
        if n.kind == "const" or (len(g.nodes) > SMALL_GRAPH and not n.name and n.index != current):
            continue
        label = n.label
        css = ' class="bv-row-current"' if n.index == current else ""
        warn = " ⚠" if n.warning and frame.node_value[n.index] else ""
        rows.append(
            f"<tr{css}><td>{html.escape(label)}{warn}</td><td>{html.escape(frame.node_value[n.index])}</td>"
            f"<td>{html.escape(frame.node_grad[n.index])}</td></tr>"
        )
    return f'<table class="bv-table">{"".join(rows)}</table>'


# A wide diagram scrolls sideways. When a frame is shown, bring its highlighted node into view, but
# only when it is out of view, so that a diagram which fits never moves. ``f`` is the frame element.
FOLLOW_JS = (
    "var s=f.querySelector('.bv-scroll'),c=s&&s.querySelector('g.node.bv-current');if(!c)return;"
    "var a=s.getBoundingClientRect(),b=c.getBoundingClientRect();"
    "if(a.width&&(b.left<a.left||b.right>a.right))s.scrollLeft+=(b.left+b.right-a.left-a.right)/2;"
)
# An HTML widget runs no <script>, but an open <details> fires its "toggle" event once it is put in
# the page: the frame's one line of script runs then (no image to load, nothing drawn).
FOLLOW = (
    '<details class="bv-follow" open ontoggle="'
    + html.escape(f"var f=this.closest('.bv-frame');requestAnimationFrame(function(){{{FOLLOW_JS}}});")
    + '"></details>'
)


def frame_html(g: Graph, frame: Frame, svg: str, count: int, *, with_table: bool, scale: float = 1.0) -> str:
    """The HTML of one frame (without the page's style sheet); ``scale`` enlarges its text with the diagram."""
    phase = frame.phase
    node = frame.node.id if frame.node is not None else ""
    head = (
        f'<div class="bv-head"><span class="bv-phase bv-phase-{phase}">{phase.upper()}</span>'
        f'<span class="bv-title">{html.escape(frame_title(frame, count))}</span></div>'
    )
    side = table(g, frame) if with_table else ""
    size = "" if scale == 1 else f' style="font-size:{100 * scale:.0f}%"'
    return (
        f'<div class="bv-frame" data-step="{frame.index}" data-phase="{phase}" data-node="{node}"{size}>{head}'
        f'<div class="bv-body"><div class="bv-main"><div class="bv-scroll">{svg}</div>'
        f'<div class="bv-explanation">{explanation(g, frame)}</div>'
        f"{LEGEND.format(f=html.escape(g.output_label))}</div>{side}</div>{FOLLOW}</div>"
    )
