// The component tests' page: the player's and the quiz's modules as they are in static/, each rendered
// with a fake model (what anywidget gives a widget: get, set, on, off, save_changes, send), which the
// test drives: change(name, value) is the kernel changing a trait, message(content) a custom message,
// and what the widget sent or saved is kept to be read.
import player from "/player/main.js";
import quiz from "/quiz.js";

function fakeModel(state) {
  const listeners = {};
  const model = {
    sent: [],
    saved: [],
    get: (name) => state[name],
    set: (name, value) => {
      state[name] = value;
    },
    save_changes: () => model.saved.push(JSON.parse(JSON.stringify(state.step ?? null))),
    send: (content) => {
      model.sent.push(content);
      if (model.kernel) model.kernel(content);
    },
    on: (name, callback) => (listeners[name] = listeners[name] || []).push(callback),
    off: (name, callback) => {
      listeners[name] = (listeners[name] || []).filter((c) => c !== callback);
    },
    change(name, value) {
      state[name] = value;
      for (const callback of listeners["change:" + name] || []) callback();
    },
    message(content) {
      for (const callback of listeners["msg:custom"] || []) callback(content);
    },
    listening: () => Object.values(listeners).reduce((n, list) => n + list.length, 0),
  };
  return model;
}

// Render `kind` ("player" or "quiz") with `state` into a new element (inside a shadow root with `shadow`).
window.mount = (kind, state, { shadow = false, width = null, render = null } = {}) => {
  const host = document.createElement("div");
  host.className = "bv-test-host";
  if (width) host.style.width = width + "px";
  document.body.appendChild(host);
  let el = host;
  if (shadow) {
    const rootNode = host.attachShadow({ mode: "open" });
    el = document.createElement("div");
    rootNode.appendChild(el);
  }
  const model = fakeModel(structuredClone(state));
  const widget = render || (kind === "quiz" ? quiz : player);
  const dispose = widget.render({ model, el });
  window.widget = { model, el, host, dispose };
  return true;
};

window.harnessReady = true;
