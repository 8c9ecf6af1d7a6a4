// The quiz's browser side: a box per asked gradient; the kernel checks each answer (the answers
// never reach the page) and sends back the verdict, and the step's explanation when asked for.
// Heading, labels, verdicts and hints come as trees (player/dom.js builds them from a fixed set).
import { build, fill, tag } from "./player/dom.js";

function render({ model, el }) {
  const root = tag("div", "bv-quiz-box");
  const heading = tag("div", "bv-quiz-heading");
  const rows = tag("div", "bv-quiz-rows");
  root.append(heading, rows);
  el.appendChild(root);
  const parts = {};

  function buildRows() {
    fill(heading, model.get("heading") || []);
    rows.textContent = "";
    for (const name of Object.keys(parts)) delete parts[name];
    for (const row of model.get("rows") || []) {
      const line = tag("div", "bv-quiz-row");
      const label = tag("label", "bv-quiz-label");
      label.appendChild(build(row.label || []));
      const box = tag("input", "bv-quiz-answer");
      box.type = "text";
      box.placeholder = "your answer";
      box.setAttribute("aria-label", "your answer for " + row.name);
      box.dataset.name = row.name;
      label.appendChild(box);
      const verdict = tag("span", "bv-quiz-verdict");
      verdict.setAttribute("role", "status");
      const show = tag("button", "bv-button bv-quiz-show", "show the step");
      show.type = "button";
      show.setAttribute("aria-pressed", "false");
      const hint = tag("div", "bv-explanation bv-quiz-hint");
      box.addEventListener("keydown", (event) => {
        event.stopPropagation(); // typing is not a notebook shortcut
        if (event.key === "Enter") model.send({ answer: row.name, text: box.value });
      });
      box.addEventListener("change", () => model.send({ answer: row.name, text: box.value }));
      show.addEventListener("click", () => {
        const on = !show.classList.contains("bv-on");
        show.classList.toggle("bv-on", on);
        show.setAttribute("aria-pressed", String(on));
        model.send({ show: row.name, on });
      });
      line.append(label, verdict, show, hint);
      rows.appendChild(line);
      parts[row.name] = { box, verdict, hint };
    }
    update();
  }

  function update() {
    const verdicts = model.get("verdicts") || {}, hints = model.get("steps_shown") || {}, typed = model.get("typed") || {};
    for (const [name, p] of Object.entries(parts)) {
      fill(p.verdict, verdicts[name] || []);
      fill(p.hint, hints[name] || []);
      if (typed[name] !== undefined && p.box.getRootNode().activeElement !== p.box) p.box.value = typed[name];
    }
  }

  const listeners = [
    ["change:rows", buildRows],
    ["change:heading", buildRows],
    ["change:verdicts", update],
    ["change:steps_shown", update],
    ["change:typed", update],
  ];
  for (const [name, listener] of listeners) model.on(name, listener);
  buildRows();
  return () => {
    for (const [name, listener] of listeners) model.off(name, listener);
  };
}

export default { render };
