// The stepper's browser side: one render for Stepper and NetworkView, in a notebook (anywidget), in
// the page that to_html writes and in the course site. The kernel sends a diagram drawn once (its texts
// empty, marked data-s, its changing elements marked data-e) and, for every frame, only what changes.
// Stepping happens here, with no kernel round trip: a step sets a few texts and classes. This file
// wires the parts; each part does one job.
import { announcer } from "./announce.js";
import { controls } from "./controls.js";
import { build, buildSvg, fill, nodeTable, tag } from "./dom.js";
import { unpack } from "./frames.js";
import { inputSliders } from "./inputs.js";
import { keys } from "./keys.js";
import { playerElements } from "./layout.js";
import { marked, painter } from "./paint.js";
import { playback } from "./play.js";
import { hasFiniteAsk, NOTHING_TO_PREDICT, predictForm } from "./predict.js";
import { PRESENT_TITLE, presenter } from "./present.js";
import { hostTheme } from "./theme.js";
import { diagramView } from "./view.js";
import { tallestWords } from "./words.js";

const PRAISE = "✓ right: you predicted this step.";

// The diagram's colours by state, as the kernel writes them; a style sheet that would fetch or escape
// anything (a saved state someone edited) is left out.
function themeCss(css) {
  const text = typeof css === "string" ? css : "";
  return /url\(|@import|\\|expression|<\//i.test(text) ? "" : text;
}

function prefersReducedMotion() {
  return Boolean(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
}

export function render({ model, el }) {
  const { root, style, heading, frame, phase, title, viewport, body, explanation, legend, side, status } =
    playerElements();
  const options = () => model.get("options") || {};
  const reduced = prefersReducedMotion();
  let data = null, shown = -1, svg = null;
  const revealed = new Set(); // predict mode: the steps answered or shown
  const praised = new Set(); // ... and of those, the ones the student got right

  const paint = painter();
  const live = announcer();
  const bar = controls(
    {
      play: () => togglePlay(),
      step,
      go: (k) => {
        playing.stop();
        show(k);
      },
      fit: () => diagram.fit(),
      smaller: () => diagram.smaller(),
      larger: () => diagram.larger(),
      actual: () => diagram.actual(),
      present: () => presenting.toggle(),
    },
    reduced,
  );
  const diagram = diagramView(root, viewport, options, (fitted, natural, whole) => {
    bar.zoomed(fitted, natural);
    presenting.showsWhole(whole);
  });
  const presenting = presenter(root, (on) => diagram.present(on), () => diagram.overview());
  bar.element.querySelector(".bv-zoom").append(presenting.overviewButton);
  bar.element.querySelector(".bv-present").title = PRESENT_TITLE;
  const sliders = inputSliders((message) => model.send(message));
  const playing = playback(
    () => show(shown + 1),
    () => !data || shown >= data.texts.length - 1,
    () => options().interval || 900,
    (on) => {
      bar.playing(on);
      root.classList.toggle("bv-playing", on);
    },
  );
  root.append(style, heading, bar.element, frame, sliders.element, status, live.element);
  el.appendChild(root);

  // -- the diagram, drawn once --------------------------------------------------------------
  // "auto": the host's theme, now and whenever it switches.
  const themeOf = (view) => (view.theme === "auto" ? (host.dark() ? "dark" : "light") : view.theme || "light");
  const host = hostTheme(el, () => {
    const name = themeOf(model.get("view") || {});
    root.classList.remove("bv-theme-light", "bv-theme-dark");
    root.classList.add("bv-theme-" + name);
  });

  function setView() {
    const view = model.get("view") || {};
    root.className = "bv-player bv-theme-" + themeOf(view) + " bv-" + (view.kind || "stepper");
    data = null;
    shown = -1;
    if (view.graphviz) {
      // The kernel has no dot: this page's Graphviz lays the diagram out (layout_wasm.js); the view comes back drawn.
      svg = null;
      viewport.replaceChildren(tag("div", "bv-laying-out", "laying the diagram out in the browser …"));
      paint.attach({ slots: [], elements: [] });
      diagram.setDiagram(null);
      if (typeof layOut === "function") layOut(model, view.graphviz); // eslint-disable-line no-undef
      return;
    }
    style.textContent = themeCss(view.css);
    svg = buildSvg(view.svg);
    viewport.replaceChildren(...(svg ? [svg] : []));
    if (svg) {
      svg.removeAttribute("width");
      svg.removeAttribute("height");
      svg.setAttribute("role", "img");
    }
    const table = view.table || [];
    if (typeof table === "object" && !Array.isArray(table)) side.replaceChildren(nodeTable(table));
    else fill(side, table); // a tree (a network's table of weights), or HTML an older version saved
    fill(legend, view.legend || []);
    paint.attach(marked([viewport, side]));
    diagram.setDiagram(svg, { width: view.width || 1, height: view.height || 1, font: view.font || 16, least: view.least });
  }

  function setFrames() {
    if ((model.get("view") || {}).graphviz) return;
    data = unpack(model.get("walk"), model.get("words"));
    if (!data) return; // still being drawn: nothing to step yet
    paint.reset();
    reserveWords();
    revealed.clear(); // new numbers: predict them again
    praised.clear();
    const was = shown;
    shown = -1;
    show(Math.min(model.get("step"), data.texts.length - 1), false, was !== -1);
  }

  // -- one frame ----------------------------------------------------------------------------------
  function masked(k) {
    return Boolean(options().predict) && k > 0 && hasFiniteAsk(data.asks[k]) && !revealed.has(k);
  }

  function preface(k) {
    const out = [];
    if (revealed.has(k) && praised.has(k)) out.push(["div", "bv-predict-right", PRAISE]);
    if (options().predict && (data.asks[k] || []).length && !hasFiniteAsk(data.asks[k])) {
      out.push(["div", "bv-predict-none", NOTHING_TO_PREDICT]);
    }
    return out;
  }

  function show(k, tell = true, keepScroll = false) {
    if (!data) return;
    const count = data.texts.length;
    k = Math.max(0, Math.min(count - 1, k));
    const hide = masked(k);
    paint.paint(hide ? data.texts[k - 1] : data.texts[k], data.states[k]);
    const [ph, heard, node] = data.heads[k] || ["start", "", ""];
    phase.className = "bv-phase bv-phase-" + ph;
    phase.textContent = String(ph).toUpperCase();
    title.textContent = heard;
    if (hide) {
      explanation.replaceChildren(predictForm(data.asks[k], (right) => reveal(k, right)));
    } else {
      const words = { numbers: data.numbers[k], pieces: data.pieces };
      explanation.replaceChildren(build(preface(k)), build(data.notes[k] || [], undefined, words));
    }
    frame.classList.toggle("bv-predicting", hide);
    frame.dataset.step = String(k);
    frame.dataset.phase = ph;
    frame.dataset.node = node;
    bar.update(k, count);
    if (svg) svg.setAttribute("aria-label", "diagram, " + heard + (node ? " (node " + node + " highlighted)" : ""));
    const moved = shown !== k;
    shown = k;
    diagram.follow(paint.element(data.focus[k]), !keepScroll);
    if (moved) live.say(k, heard + ". " + explanation.textContent);
    if (tell && model.get("step") !== k) {
      model.set("step", k);
      saveSoon();
    }
  }

  // The kernel needs the step only eventually: it is sent once the new frame is on screen (in JupyterLab,
  // sending a message and the page's own work for it took half of the key press, before the frame).
  let saving = false;
  function saveSoon() {
    if (saving) return;
    saving = true;
    requestAnimationFrame(() =>
      setTimeout(() => {
        saving = false;
        model.save_changes();
      }),
    );
  }

  function reveal(k, right) {
    revealed.add(k);
    if (right) praised.add(k);
    show(k, false, true);
    live.say(k, title.textContent + ". " + explanation.textContent, true); // its words are new
  }

  function togglePlay() {
    if (data) playing.toggle(() => show(0));
  }

  function step(by) {
    playing.stop();
    show(shown + by);
  }

  const KEYS = {
    ArrowRight: () => step(1),
    PageDown: () => step(1),
    ArrowLeft: () => step(-1),
    PageUp: () => step(-1),
    Home: () => step(-Infinity),
    End: () => step(Infinity),
    " ": () => togglePlay(),
  };
  const overview = () => presenting.overview();
  const PRESENT_KEYS = { Escape: () => presenting.toggle(), o: overview, O: overview }; // o: the whole diagram
  const keyboard = keys(root, (key) => (presenting.isOn() && PRESENT_KEYS[key]) || KEYS[key]);

  // The words under the diagram never shrink while one steps: the page below does not jump up and
  // down from step to step. The explanation is as tall as the tallest frame's from the start (measured
  // again at a new width); the rest (a prediction's boxes, a table's rows) keeps its tallest so far.
  function reserveWords() {
    explanation.style.minHeight = "";
    const tallest = tallestWords(explanation, data);
    if (tallest) explanation.style.minHeight = tallest + "px";
  }
  let tallest = 0, lastWidth = 0;
  const wordsSize = new ResizeObserver(() => {
    if (root.clientWidth !== lastWidth) {
      lastWidth = root.clientWidth;
      tallest = 0;
      body.style.minHeight = "";
      reserveWords();
    }
    if (body.offsetHeight > tallest) {
      tallest = body.offsetHeight;
      body.style.minHeight = tallest + "px";
    }
  });
  wordsSize.observe(body);

  // -- what the kernel sends ------------------------------------------------------------------------
  const onView = () => {
    setView();
    setFrames();
  };
  const onStep = () => {
    if (model.get("step") !== shown) show(model.get("step"), false);
  };
  const onOptions = () => {
    const o = options();
    heading.textContent = o.title || "";
    root.style.fontSize = o.scale && o.scale !== 1 ? o.scale * 100 + "%" : "";
  };
  const onStatus = () => {
    status.textContent = model.get("status") || "";
  };
  const onInputs = () => sliders.update(model.get("inputs") || []);
  const onMessage = (message) => {
    if (message && message.done) sliders.answered();
  };
  const listeners = [
    ["change:view", onView],
    ["change:walk", setFrames],
    ["change:words", setFrames],
    ["change:step", onStep],
    ["change:inputs", onInputs],
    ["change:options", onOptions],
    ["change:status", onStatus],
    ["msg:custom", onMessage],
  ];
  for (const [name, listener] of listeners) model.on(name, listener);

  onOptions();
  setView();
  setFrames();
  onInputs();
  onStatus();

  return () => {
    wordsSize.disconnect();
    for (const part of [playing, keyboard, presenting, diagram, bar, sliders, live, host]) part.dispose();
    for (const [name, listener] of listeners) model.off(name, listener);
  };
}

export default { render };
