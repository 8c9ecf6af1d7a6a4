// Predict, then reveal: a box per gradient the step sends back; the step shows once every box is right
// or the student asks to see it. A gradient that is not a finite number has nothing to type.
import { isRight } from "./answers.js";
import { build, button, numberOf, numberText, tag } from "./dom.js";

// Whether step `asks` has anything to type (a finite gradient).
export function hasFiniteAsk(asks) {
  return (asks || []).some(([, value]) => Number.isFinite(numberOf(value)));
}

// The words shown for a step with asks but none finite.
export const NOTHING_TO_PREDICT = "Nothing to predict in this step: its gradient is not a finite number.";

// The form for one step's `asks`; `done(right)` when all are right (true) or the student asks to see it (false).
export function predictForm(asks, done) {
  const element = tag("div", "bv-predict");
  element.appendChild(tag("div", "bv-predict-prompt", "Your turn: what does this step send back? Type it, then Enter."));
  const right = new Set();
  asks.forEach(([label, value], n) => {
    const exact = numberOf(value);
    const line = tag("div", "bv-predict-line");
    const name = tag("label", "bv-predict-label");
    name.append(build(label), " = ");
    if (!Number.isFinite(exact)) {
      right.add(n);
      name.append(numberText(value));
      line.append(name, tag("span", "bv-predict-verdict", "not a finite number: nothing to type"));
      element.appendChild(line);
      return;
    }
    const box = tag("input", "bv-predict-answer");
    box.type = "text";
    box.placeholder = "your answer";
    box.setAttribute("aria-label", "your prediction " + (n + 1) + " of " + asks.length);
    name.appendChild(box);
    const verdict = tag("span", "bv-predict-verdict");
    verdict.setAttribute("role", "status");
    box.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      const ok = isRight(box.value, exact);
      verdict.className = "bv-predict-verdict " + (ok ? "bv-quiz-right" : "bv-quiz-wrong");
      verdict.textContent = ok === null ? "✗ that is not a number" : ok ? "✓ right" : "✗ not quite: try again";
      if (ok) right.add(n);
      if (right.size === asks.length) done(true);
    });
    line.append(name, verdict);
    element.appendChild(line);
  });
  const reveal = button("bv-predict-reveal", "show the step", "show the step");
  reveal.addEventListener("click", () => done(false));
  element.appendChild(reveal);
  return element;
}
