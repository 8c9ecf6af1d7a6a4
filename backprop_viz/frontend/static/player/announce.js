// A polite live region: a screen reader hears the step's title and words once per step change.
import { tag } from "./dom.js";

export function announcer() {
  const element = tag("div", "bv-live");
  element.setAttribute("role", "status");
  element.setAttribute("aria-live", "polite");
  element.setAttribute("aria-atomic", "true");
  let said = null;
  return {
    element,
    // Say `text` for step `k`, unless step k was the last thing said (a repaint is not news) and not `again`.
    say(k, text, again = false) {
      if (said === k && !again) return;
      said = k;
      element.textContent = text;
    },
    dispose() {},
  };
}
