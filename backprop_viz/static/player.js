// The stepper's browser side: one module for Stepper and NetworkView, in a notebook (anywidget)
// and in the page that to_html writes. The kernel sends a diagram drawn once (its texts empty,
// marked data-s, its changing elements marked data-e) and, for every frame, only what changes.
// Stepping happens here, with no kernel round trip: a step sets a few texts and classes.

const STATES = ["bv-future", "bv-known", "bv-current", "bv-warning", "bv-hidden", "bv-dim"];
const MIN_ZOOM = 0.1;
const ZOOM_STEP = 1.25;

function tag(name, className, text) {
  const e = document.createElement(name);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(className, text, title) {
  const b = tag("button", "bv-button " + className, text);
  b.type = "button";
  b.title = title;
  return b;
}

// Every frame in full, from the first one and each frame's changes (a flat list: position, value, ...).
function replay(first, changes) {
  const out = [first.slice()];
  for (const change of changes) {
    const next = out[out.length - 1].slice();
    for (let i = 0; i < change.length; i += 2) next[change[i]] = change[i + 1];
    out.push(next);
  }
  return out;
}

function unpack(walk, words) {
  return {
    texts: replay(words.texts0, words.texts),
    states: replay(walk.states0, walk.states),
    notes: words.notes,
    asks: words.asks || [],
    heads: walk.heads,
    focus: walk.focus,
  };
}

// A number a student typed: "-0.39", "−0.39", "0,39", "3/4", "1e-3"; null if it is not one.
function parseNumber(text) {
  const t = text.trim().replace(/−/g, "-").replace(/,/g, ".").replace(/\s/g, "");
  const number = "[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?";
  const fraction = t.match(new RegExp(`^(${number})/(${number})$`, "i"));
  if (fraction) return Number(fraction[2]) === 0 ? null : Number(fraction[1]) / Number(fraction[2]);
  return new RegExp(`^${number}$`, "i").test(t) ? Number(t) : null;
}

// Right, as the kernel's quiz judges (quiz.is_right): 0 only for 0; otherwise the sign agrees and the answer
// is within 1 % of the exact value, or is the exact value rounded to the digits typed, the last digit
// typed being at least at the place of the exact value's first significant digit (0.2 for 0.1966: right;
// 1 for 0.6: not). No absolute slack: small gradients are judged as carefully as large ones.
function isRight(typed, exact) {
  const answer = parseNumber(typed);
  if (answer === null) return null;
  if (answer === 0 || Math.abs(exact) <= 1e-12) return answer === 0 && Math.abs(exact) <= 1e-12;
  if (answer > 0 !== exact > 0) return false;
  if (Math.abs(answer - exact) <= 0.01 * Math.abs(exact)) return true;
  if (typed.includes("/")) return false; // a fraction is judged by the 1 % rule only
  const [mantissa, exponent] = typed.trim().replace(/−/g, "-").replace(/,/g, ".").toLowerCase().split("e");
  const decimals = (mantissa.split(".")[1] || "").length;
  const unit = 10 ** (Number(exponent || 0) - decimals);
  if (unit > 10 ** Math.floor(Math.log10(Math.abs(exact))) * (1 + 1e-9)) return false;
  return Math.abs(answer - exact) <= 0.5 * unit * (1 + 1e-9);
}

function render({ model, el }) {
  const root = tag("div", "bv-player");
  root.tabIndex = 0;
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", "backpropagation stepper: arrow keys step, space plays");
  const heading = tag("div", "bv-heading");
  const controls = tag("div", "bv-controls");
  const play = button("bv-play", "▶ play", "play / pause (space)");
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
  const actual = button("bv-actual", "100%", "natural size");
  const present = button("bv-present", "present", "full screen, large (Esc leaves)");
  zoomBox.append(fit, smaller, larger, actual, present);
  controls.append(play, prev, slider, next, counter, zoomBox);
  const hint = tag("div", "bv-zoom-hint", "part of the diagram: drag or scroll to see the rest, or press fit");
  const frame = tag("div", "bv-frame");
  const head = tag("div", "bv-head");
  const phase = tag("span", "bv-phase");
  const title = tag("span", "bv-title");
  head.append(phase, title);
  const viewport = tag("div", "bv-viewport");
  viewport.title = "drag to see the rest of the diagram; fit shows it all";
  const body = tag("div", "bv-body");
  const words = tag("div", "bv-words");
  const explanation = tag("div", "bv-explanation");
  const legend = tag("div", "bv-legend");
  words.append(explanation, legend);
  const side = tag("div", "bv-side");
  body.append(words, side);
  frame.append(head, hint, viewport, body);
  const inputs = tag("div", "bv-inputs");
  const status = tag("div", "bv-status");
  const style = tag("style");
  root.append(style, heading, controls, frame, inputs, status);
  el.appendChild(root);

  let svg = null, slots = [], elements = [], data = null, shown = -1, timer = null;
  let onScreen = { texts: null, states: null }; // what the diagram and table show now
  const revealed = new Set(); // predict mode: the steps answered or shown
  let zoom = "auto"; // "auto": not chosen yet; null: fit to the width; a number: that much of the natural size
  let chosen = false; // the student chose a zoom: keep it when the page changes size
  let natural = { width: 1, height: 1, font: 16 };

  // -- the diagram, drawn once --------------------------------------------------------------
  function setView() {
    const view = model.get("view");
    root.className = "bv-player bv-theme-" + view.theme + " bv-" + view.kind;
    if (view.graphviz) {
      // The kernel has no dot: this page's Graphviz lays the diagram out (layout_wasm.js); the view
      // comes back drawn.
      svg = null;
      slots = [];
      elements = [];
      viewport.replaceChildren(tag("div", "bv-laying-out", "laying the diagram out in the browser …"));
      layOut(model, view.graphviz);
      return;
    }
    style.textContent = view.css;
    viewport.innerHTML = view.svg;
    side.innerHTML = view.table;
    legend.innerHTML = view.legend;
    svg = viewport.querySelector("svg");
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    natural = { width: view.width, height: view.height, font: view.font };
    slots = [];
    for (const e of frame.querySelectorAll("[data-s]")) slots[Number(e.dataset.s)] = e;
    elements = [];
    for (const e of frame.querySelectorAll("[data-e]")) elements[Number(e.dataset.e)] = e;
    data = null;
    shown = -1;
    zoom = "auto";
    applyZoom();
  }

  function setFrames() {
    if (model.get("view").graphviz || model.get("walk") === "{}") {
      data = null; // still being drawn: nothing to step yet
      return;
    }
    data = unpack(JSON.parse(model.get("walk")), JSON.parse(model.get("words")));
    for (const e of slots) if (e) e.textContent = "";
    for (const e of elements) if (e) for (const c of STATES) e.classList.remove(c);
    onScreen = { texts: null, states: null };
    const k = Math.min(model.get("step"), data.texts.length - 1);
    slider.max = String(data.texts.length - 1);
    revealed.clear(); // new numbers: predict them again
    praised.clear();
    const was = shown;
    shown = -1;
    show(k, false, was !== -1);
  }

  // -- one frame: a few texts and classes --------------------------------------------------
  function hidden(k) {
    return model.get("options").predict && k > 0 && (data.asks[k] || []).length > 0 && !revealed.has(k);
  }

  function show(k, tell = true, keepScroll = false) {
    if (!data) return;
    k = Math.max(0, Math.min(data.texts.length - 1, k));
    const masked = hidden(k);
    const texts = masked ? data.texts[k - 1] : data.texts[k], states = data.states[k];
    const before = onScreen.texts, was = onScreen.states;
    for (let i = 0; i < texts.length; i++) {
      if (!before || before[i] !== texts[i]) if (slots[i]) slots[i].textContent = texts[i];
    }
    for (let i = 0; i < states.length; i++) {
      if (!was || was[i] !== states[i]) {
        const e = elements[i];
        if (!e) continue;
        if (was) e.classList.remove(STATES[was[i]]);
        e.classList.add(STATES[states[i]]);
      }
    }
    onScreen = { texts, states };
    const [ph, words, node] = data.heads[k];
    phase.className = "bv-phase bv-phase-" + ph;
    phase.textContent = ph.toUpperCase();
    title.textContent = words;
    if (masked) askFor(k);
    else explanation.innerHTML = (revealed.has(k) && praised.has(k) ? PRAISE : "") + data.notes[k];
    frame.classList.toggle("bv-predicting", masked);
    frame.dataset.step = String(k);
    frame.dataset.phase = ph;
    frame.dataset.node = node;
    slider.value = String(k);
    counter.textContent = k + " / " + (data.texts.length - 1);
    prev.disabled = k === 0;
    next.disabled = k === data.texts.length - 1;
    shown = k;
    if (!keepScroll) follow();
    if (tell && model.get("step") !== k) {
      model.set("step", k);
      saveSoon();
    }
  }

  // The kernel needs the step only eventually: it is sent once the new frame is on screen (in JupyterLab,
  // sending a message and the page's own work for it took a third of a key press before the frame).
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

  // -- predict, then reveal --------------------------------------------------------------------
  const PRAISE = '<div class="bv-predict-right">✓ right: you predicted this step.</div>';
  const praised = new Set();
  function askFor(k) {
    explanation.textContent = "";
    const form = tag("div", "bv-predict");
    form.appendChild(tag("div", "bv-predict-prompt", "Your turn: what does this step send back? Type it, then Enter."));
    const right = new Set();
    data.asks[k].forEach(([label, exact], n) => {
      const line = tag("div", "bv-predict-line");
      const name = tag("label", "bv-predict-label");
      name.innerHTML = label + " = ";
      const box = tag("input", "bv-predict-answer");
      box.type = "text";
      box.placeholder = "your answer";
      box.setAttribute("aria-label", "your prediction " + (n + 1));
      name.appendChild(box);
      const verdict = tag("span", "bv-predict-verdict");
      box.addEventListener("keydown", (event) => {
        if (event.key !== "Enter") return;
        const ok = isRight(box.value, exact);
        verdict.className = "bv-predict-verdict " + (ok ? "bv-quiz-right" : "bv-quiz-wrong");
        verdict.textContent = ok === null ? "✗ that is not a number" : ok ? "✓ right" : "✗ not quite: try again";
        if (ok) right.add(n);
        if (right.size === data.asks[k].length) {
          revealed.add(k);
          praised.add(k);
          show(k, false, true);
        }
      });
      line.append(name, verdict);
      form.appendChild(line);
    });
    const reveal = tag("button", "bv-button bv-predict-reveal", "show the step");
    reveal.type = "button";
    reveal.addEventListener("click", () => {
      revealed.add(k);
      show(k, false, true);
    });
    form.appendChild(reveal);
    explanation.appendChild(form);
  }

  function step(by) {
    stop();
    show(shown + by);
  }

  // -- play ---------------------------------------------------------------------------------
  function stop() {
    if (timer === null) return;
    clearInterval(timer);
    timer = null;
    play.textContent = "▶ play";
    root.classList.remove("bv-playing");
  }

  function toggle() {
    if (timer !== null) return stop();
    if (!data) return;
    if (shown >= data.texts.length - 1) show(0);
    play.textContent = "❚❚ pause";
    root.classList.add("bv-playing");
    timer = setInterval(() => {
      if (shown >= data.texts.length - 1) return stop();
      show(shown + 1);
    }, model.get("options").interval || 900);
  }

  // -- zoom, fit and follow ------------------------------------------------------------------
  function room() {
    const width = viewport.clientWidth || root.clientWidth || natural.width;
    if (!root.classList.contains("bv-presenting")) return { width, height: Infinity };
    return { width, height: Math.max(120, viewport.clientHeight) };
  }

  // Fitted: as wide as the room, never above natural size; presenting, up to three times it.
  function fitZoom() {
    const r = room();
    const most = root.classList.contains("bv-presenting") ? 3 : 1;
    return Math.min(most, r.width / natural.width, r.height / natural.height);
  }

  // Fit, unless that makes the text smaller than min_text: then open_text, scrolled to the highlight.
  function startZoom() {
    const options = model.get("options");
    const least = (options.min_text || 0) / natural.font;
    if (fitZoom() >= least || root.classList.contains("bv-presenting")) return null;
    return Math.min(1, (options.open_text || options.min_text) / natural.font);
  }

  function applyZoom() {
    if (!svg) return;
    if (zoom === "auto") {
      if (!viewport.clientWidth) return; // not on the page yet: the resize observer calls again
      zoom = startZoom();
    }
    const z = typeof zoom === "number" ? zoom : fitZoom();
    svg.style.width = natural.width * z + "px";
    svg.style.height = natural.height * z + "px";
    root.classList.toggle("bv-zoomed", zoom !== null && natural.width * z > room().width + 1);
    fit.classList.toggle("bv-on", zoom === null);
    actual.classList.toggle("bv-on", zoom === 1);
    root.dataset.zoom = z.toFixed(3);
    follow();
  }

  function zoomTo(z) {
    chosen = true;
    zoom = z === null ? null : Math.max(MIN_ZOOM, Math.min(4, z));
    applyZoom();
  }

  // Bring the highlighted element into view, sideways and up/down, only when it is out of view.
  function follow() {
    if (!data || shown < 0 || !root.classList.contains("bv-zoomed")) return; // all of it is in view

    const target = elements[data.focus[shown]];
    if (!target) return;
    const a = viewport.getBoundingClientRect(), b = target.getBoundingClientRect();
    if (!a.width) return;
    const margin = 24;
    if (b.left < a.left + margin || b.right > a.right - margin) {
      viewport.scrollLeft += (b.left + b.right - a.left - a.right) / 2;
    }
    if (b.top < a.top + margin || b.bottom > a.bottom - margin) {
      viewport.scrollTop += (b.top + b.bottom - a.top - a.bottom) / 2;
    }
  }

  // Drag the zoomed diagram to move it (a mouse has no sideways scroll; a projector's audience sees no scrollbar).
  let drag = null;
  function onPointerDown(event) {
    if (!root.classList.contains("bv-zoomed") || event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, left: viewport.scrollLeft, top: viewport.scrollTop };
    viewport.setPointerCapture(event.pointerId);
    viewport.classList.add("bv-dragging");
  }
  function onPointerMove(event) {
    if (!drag) return;
    viewport.scrollLeft = drag.left - (event.clientX - drag.x);
    viewport.scrollTop = drag.top - (event.clientY - drag.y);
  }
  function onPointerUp() {
    drag = null;
    viewport.classList.remove("bv-dragging");
  }

  function togglePresent() {
    const on = !root.classList.contains("bv-presenting");
    root.classList.toggle("bv-presenting", on);
    if (on && root.requestFullscreen) root.requestFullscreen().catch(() => {});
    if (!on && document.fullscreenElement === root) document.exitFullscreen().catch(() => {});
    zoom = on ? null : "auto";
    requestAnimationFrame(applyZoom);
    root.focus();
  }

  function onFullscreen() {
    if (document.fullscreenElement !== root && root.classList.contains("bv-presenting")) {
      root.classList.remove("bv-presenting");
      zoom = "auto";
      applyZoom();
    }
  }

  // -- input sliders (they need the kernel) -----------------------------------------------------
  let pending = false, queued = null;
  function send(values) {
    if (pending) {
      queued = Object.assign(queued || {}, values);
      return;
    }
    pending = true;
    model.send({ set: values });
  }

  // The kernel answers every slider move with the inputs as they now are: the same sliders are updated in
  // place (rebuilt, the slider under the mouse would be dropped mid-drag); the one held keeps its value.
  function moveInputs(specs) {
    const ranges = [...inputs.querySelectorAll("input[type=range]")];
    if (ranges.length !== specs.length || specs.some((spec, i) => ranges[i].dataset.name !== spec.name)) return false;
    specs.forEach((spec, i) => {
      const range = ranges[i];
      Object.assign(range, { min: String(spec.min), max: String(spec.max), step: String(spec.step) });
      if (range.matches(":active")) return;
      range.value = String(spec.value);
      range.nextElementSibling.textContent = spec.text;
    });
    return true;
  }

  function setInputs() {
    if (moveInputs(model.get("inputs"))) return;
    inputs.textContent = "";
    for (const spec of model.get("inputs")) {
      const label = tag("label", "bv-input");
      const name = tag("span", "bv-input-name", spec.name);
      const range = tag("input");
      range.type = "range";
      range.min = String(spec.min);
      range.max = String(spec.max);
      range.step = String(spec.step);
      range.value = String(spec.value);
      range.dataset.name = spec.name;
      const readout = tag("span", "bv-readout", spec.text);
      range.addEventListener("input", () => {
        const value = Number(range.value);
        readout.textContent = String(Number(value.toPrecision(6)));
        send({ [spec.name]: value });
      });
      label.append(name, range, readout);
      inputs.appendChild(label);
    }
  }

  // -- events -------------------------------------------------------------------------------
  const KEYS = {
    ArrowRight: () => step(1),
    PageDown: () => step(1),
    ArrowLeft: () => step(-1),
    PageUp: () => step(-1),
    Home: () => step(-Infinity),
    End: () => step(Infinity),
    " ": toggle,
  };
  function onKey(event) {
    if (event.target.closest && event.target.closest(".bv-inputs")) return; // an input slider's own keys
    if (event.target.matches && event.target.matches("input[type=text]")) return; // typing a prediction
    const act = event.key === "Escape" && root.classList.contains("bv-presenting") ? togglePresent : KEYS[event.key];
    if (!act || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    event.stopPropagation();
    act();
  }
  function onMessage(message) {
    if (message && message.done) {
      pending = false;
      if (queued) {
        const values = queued;
        queued = null;
        send(values);
      }
    }
  }
  // The words under the diagram never shrink while one steps: the page below does not jump up and
  // down from step to step (their tallest height so far is kept; a new width starts afresh).
  let tallest = 0;
  const wordsSize = new ResizeObserver(() => {
    if (body.offsetHeight > tallest) {
      tallest = body.offsetHeight;
      body.style.minHeight = tallest + "px";
    }
  });
  let lastWidth = 0;
  const resize = new ResizeObserver(() => {
    const width = root.clientWidth;
    if (width !== lastWidth) {
      lastWidth = width;
      tallest = 0;
      body.style.minHeight = "";
      if (!chosen && !root.classList.contains("bv-presenting")) zoom = "auto";
      applyZoom();
    }
  });

  // Keys are taken on their way down (window, capture phase), before the notebook's own shortcuts see
  // them: Notebook 7 and JupyterLab handle keys at the document, which would otherwise eat the arrows.
  const onAnyKey = (event) => {
    if (root.contains(event.target)) onKey(event);
  };
  window.addEventListener("keydown", onAnyKey, true);
  slider.addEventListener("input", () => {
    stop();
    show(Number(slider.value));
  });
  prev.addEventListener("click", () => step(-1));
  next.addEventListener("click", () => step(1));
  play.addEventListener("click", toggle);
  fit.addEventListener("click", () => zoomTo(null));
  const scaleNow = () => (typeof zoom === "number" ? zoom : fitZoom());
  smaller.addEventListener("click", () => zoomTo(scaleNow() / ZOOM_STEP));
  larger.addEventListener("click", () => zoomTo(scaleNow() * ZOOM_STEP));
  actual.addEventListener("click", () => zoomTo(1));
  present.addEventListener("click", togglePresent);
  viewport.addEventListener("pointerdown", onPointerDown);
  viewport.addEventListener("pointermove", onPointerMove);
  viewport.addEventListener("pointerup", onPointerUp);
  viewport.addEventListener("pointercancel", onPointerUp);
  document.addEventListener("fullscreenchange", onFullscreen);
  const onView = () => {
    setView();
    setFrames();
  };
  const onStep = () => {
    if (model.get("step") !== shown) show(model.get("step"), false);
  };
  const onTitle = () => {
    const options = model.get("options");
    heading.textContent = options.title || "";
    root.style.fontSize = options.scale && options.scale !== 1 ? options.scale * 100 + "%" : "";
  };
  const onStatus = () => {
    status.textContent = model.get("status");
  };
  const listeners = [
    ["change:view", onView],
    ["change:walk", setFrames],
    ["change:words", setFrames],
    ["change:step", onStep],
    ["change:inputs", setInputs],
    ["change:options", onTitle],
    ["change:status", onStatus],
    ["msg:custom", onMessage],
  ];
  for (const [name, listener] of listeners) model.on(name, listener);

  onTitle();
  setView();
  setFrames();
  setInputs();
  onStatus();
  resize.observe(root);
  wordsSize.observe(body);

  return () => {
    stop();
    resize.disconnect();
    wordsSize.disconnect();
    document.removeEventListener("fullscreenchange", onFullscreen);
    window.removeEventListener("keydown", onAnyKey, true);
    for (const [name, listener] of listeners) model.off(name, listener);
  };
}

export default { render };
