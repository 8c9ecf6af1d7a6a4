// The input sliders (they need the kernel): made once, then updated in place. What the kernel sends
// back sets readouts, and the range and value of every slider the student is not holding (pointer
// down on it, or keys pressed on it) or waiting on (a value of it not yet answered). Values moved
// while the kernel works on one are kept, the newest of each, and sent together when it answers.
import { tag } from "./dom.js";

export function inputSliders(send) {
  const element = tag("div", "bv-inputs");
  const sliders = new Map(); // name -> {label, range, readout}
  let held = null; // the range under the pointer or the keys
  let pending = false; // a message is with the kernel
  let queued = null; // values moved since, by name
  let waiting = new Set(); // names sent and not answered yet

  function post(values) {
    if (pending) {
      queued = Object.assign(queued || {}, values);
      return;
    }
    pending = true;
    waiting = new Set(Object.keys(values));
    send({ set: values });
  }

  function make(spec) {
    const label = tag("label", "bv-input");
    const name = tag("span", "bv-input-name", spec.name);
    const range = tag("input");
    range.type = "range";
    range.dataset.name = spec.name;
    range.setAttribute("aria-label", "input " + spec.name);
    const readout = tag("span", "bv-readout");
    readout.setAttribute("aria-hidden", "true");
    const moved = () => {
      const value = Number(range.value);
      readout.textContent = String(Number(value.toPrecision(6)));
      range.setAttribute("aria-valuetext", readout.textContent);
      post({ [spec.name]: value });
    };
    const hold = () => (held = range);
    range.addEventListener("input", moved);
    range.addEventListener("pointerdown", hold);
    range.addEventListener("keydown", hold);
    range.addEventListener("keyup", release);
    range.addEventListener("blur", release);
    label.append(name, range, readout);
    return { label, range, readout };
  }

  let last = []; // what the kernel said last

  function release() {
    if (held === null) return;
    held = null;
    apply();
  }
  // The pointer may be let go anywhere on the page.
  window.addEventListener("pointerup", release, true);
  window.addEventListener("pointercancel", release, true);

  function set(slider, spec) {
    const { range, readout } = slider;
    if (range === held || waiting.has(spec.name) || (queued && spec.name in queued)) return;
    range.min = String(spec.min);
    range.max = String(spec.max);
    range.step = String(spec.step);
    range.value = String(spec.value);
    readout.textContent = spec.text;
    range.setAttribute("aria-valuetext", spec.text);
  }

  return {
    element,
    // The sliders as the kernel describes them now: [{name, min, max, step, value, text}].
    update(specs) {
      last = specs;
      apply();
    },
    // The kernel answered the values sent: send what moved meanwhile.
    answered() {
      pending = false;
      waiting = new Set();
      if (queued) {
        const values = queued;
        queued = null;
        post(values);
      } else {
        apply();
      }
    },
    dispose() {
      window.removeEventListener("pointerup", release, true);
      window.removeEventListener("pointercancel", release, true);
    },
  };

  // The sliders as the kernel said last: new ones made, gone ones removed, the others set in place.
  function apply() {
    const names = new Set(last.map((s) => s.name));
    for (const [name, slider] of sliders) {
      if (!names.has(name) && slider.range !== held) {
        slider.label.remove();
        sliders.delete(name);
      }
    }
    for (const spec of last) {
      if (!sliders.has(spec.name)) {
        const slider = make(spec);
        sliders.set(spec.name, slider);
        element.appendChild(slider.label);
      }
      set(sliders.get(spec.name), spec);
    }
  }
}
