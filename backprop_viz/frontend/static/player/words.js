// The words under the diagram keep one height from the first step to the last: the tallest frame's
// words are measured once (and again when the width changes), so the page below never jumps.
import { build } from "./dom.js";

// The height of the tallest frame's words, built as `explanation` shows them and measured off screen
// beside it (0 while it is not laid out).
export function tallestWords(explanation, data) {
  const width = explanation.clientWidth;
  if (!width || !data || !explanation.parentNode) return 0;
  const probe = explanation.cloneNode(false);
  probe.style.cssText = `position:absolute;visibility:hidden;left:0;top:0;width:${width}px;min-height:0`;
  probe.setAttribute("aria-hidden", "true");
  explanation.parentNode.appendChild(probe);
  let tallest = 0;
  for (let k = 0; k < data.notes.length; k++) {
    probe.replaceChildren(build(data.notes[k] || [], undefined, { numbers: data.numbers[k], pieces: data.pieces }));
    tallest = Math.max(tallest, probe.offsetHeight);
  }
  probe.remove();
  return tallest;
}
