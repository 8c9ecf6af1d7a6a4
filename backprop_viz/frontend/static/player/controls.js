// The control bar: play, back, the step slider, next, the counter, zoom and present. Each control
// is named for a screen reader; what it does is handed in (`on`).
import { button, tag } from "./dom.js";

export function controls(on, reducedMotion) {
  const element = tag("div", "bv-controls");
  const playText = reducedMotion ? "▶ play (no animation)" : "▶ play";
  const play = button("bv-play", playText, "play / pause (space)");
  const prev = button("bv-prev", "◀ back", "previous step (← or Page Up)");
  const slider = tag("input", "bv-slider");
  slider.type = "range";
  slider.min = "0";
  slider.setAttribute("aria-label", "step");
  const next = button("bv-next", "next ▶", "next step (→ or Page Down)");
  const counter = tag("span", "bv-counter");
  const zoomBox = tag("span", "bv-zoom");
  const fit = button("bv-fit", "fit", "fit the diagram to the width");
  const smaller = button("bv-smaller", "−", "zoom out");
  const larger = button("bv-larger", "+", "zoom in");
  smaller.setAttribute("aria-label", "− zoom out");
  larger.setAttribute("aria-label", "+ zoom in");
  const actual = button("bv-actual", "100%", "natural size");
  const present = button("bv-present", "present", "full screen, large (Esc leaves)");
  zoomBox.append(fit, smaller, larger, actual, present);
  element.append(play, prev, slider, next, counter, zoomBox);

  const wiring = [
    [play, "click", on.play],
    [prev, "click", () => on.step(-1)],
    [next, "click", () => on.step(1)],
    [slider, "input", () => on.go(Number(slider.value))],
    [fit, "click", on.fit],
    [smaller, "click", on.smaller],
    [larger, "click", on.larger],
    [actual, "click", on.actual],
    [present, "click", on.present],
  ];
  for (const [e, name, listener] of wiring) e.addEventListener(name, listener);

  return {
    element,
    // Frame k of count frames is shown.
    update(k, count) {
      slider.max = String(count - 1);
      slider.value = String(k);
      slider.setAttribute("aria-valuetext", "step " + k + " of " + (count - 1));
      counter.textContent = k + " / " + (count - 1);
      prev.disabled = k === 0;
      next.disabled = k === count - 1;
    },
    playing(on) {
      play.textContent = on ? "❚❚ pause" : playText;
      play.setAttribute("aria-pressed", on ? "true" : "false");
    },
    zoomed(fitted, natural) {
      fit.classList.toggle("bv-on", fitted);
      actual.classList.toggle("bv-on", natural);
    },
    dispose() {
      for (const [e, name, listener] of wiring) e.removeEventListener(name, listener);
    },
  };
}
