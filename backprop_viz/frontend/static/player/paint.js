// Painting one frame: a few texts and classes on the diagram and the table, only where they change.
import PROTOCOL from "./protocol.json" with { type: "json" };

const STATES = PROTOCOL.states;

// The slots (data-s) and state elements (data-e) under `holders`, by number.
export function marked(holders) {
  const slots = [], elements = [];
  for (const holder of holders) {
    for (const e of holder.querySelectorAll("[data-s]")) slots[Number(e.getAttribute("data-s"))] = e;
    for (const e of holder.querySelectorAll("[data-e]")) elements[Number(e.getAttribute("data-e"))] = e;
  }
  return { slots, elements };
}

export function painter() {
  let slots = [], elements = [], texts = null, states = null;
  return {
    // New slots and elements (a new diagram): nothing on them yet.
    attach(marks) {
      ({ slots, elements } = marks);
      texts = states = null;
    },
    // Forget what is shown (new numbers): the next paint sets everything.
    reset() {
      for (const e of slots) if (e) e.textContent = "";
      for (const e of elements) if (e) for (const c of STATES) e.classList.remove(c);
      texts = states = null;
    },
    paint(nextTexts, nextStates) {
      for (let i = 0; i < nextTexts.length; i++) {
        if ((!texts || texts[i] !== nextTexts[i]) && slots[i]) slots[i].textContent = String(nextTexts[i]);
      }
      for (let i = 0; i < nextStates.length; i++) {
        const e = elements[i];
        if (!e || (states && states[i] === nextStates[i])) continue;
        if (states) e.classList.remove(STATES[states[i]]);
        e.classList.add(STATES[nextStates[i]]);
      }
      texts = nextTexts;
      states = nextStates;
    },
    element(i) {
      return elements[i];
    },
  };
}
