// The player's elements, made once: heading, the frame (phase and title, zoom hint, the diagram's
// viewport, the words and the table), the status line. The parts that have their own elements
// (controls, input sliders, live region) add theirs.
import { tag } from "./dom.js";

export function playerElements() {
  const root = tag("div", "bv-player");
  root.tabIndex = 0;
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", "backpropagation stepper: arrow keys step, space plays");
  const e = {
    root,
    style: tag("style"),
    heading: tag("div", "bv-heading"),
    frame: tag("div", "bv-frame"),
    phase: tag("span", "bv-phase"),
    title: tag("span", "bv-title"),
    viewport: tag("div", "bv-viewport"),
    body: tag("div", "bv-body"),
    explanation: tag("div", "bv-explanation"),
    legend: tag("div", "bv-legend-box"),
    side: tag("div", "bv-side"),
    status: tag("div", "bv-status"),
  };
  const head = tag("div", "bv-head");
  head.append(e.phase, e.title);
  const hint = tag("div", "bv-zoom-hint", "part of the diagram: drag or scroll to see the rest, or press fit");
  e.viewport.title = "drag to see the rest of the diagram; fit shows it all";
  const words = tag("div", "bv-words");
  words.append(e.explanation, e.legend);
  e.body.append(words, e.side);
  e.frame.append(head, hint, e.viewport, e.body);
  e.status.setAttribute("role", "alert");
  return e;
}
