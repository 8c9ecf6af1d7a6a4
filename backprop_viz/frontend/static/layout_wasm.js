// Graphviz in the browser, for a kernel that cannot run `dot` (JupyterLite's Pyodide has no programs).
// The kernel puts a request in the view ({id, source, format, engine, nop}); this lays the DOT text out
// with a WebAssembly build of Graphviz and sends {graphviz_done: {id, output}} back. The Graphviz module
// (npm's @hpcc-js/wasm-graphviz, shipped in the package by `make lite`) comes from the kernel on the first
// request of the page ({graphviz_module: true}), never from a CDN, and never where `dot` does the work.

let graphvizLoading = null; // one Graphviz per module instance (each widget's, when packed)
let graphvizSettled = false;

// Send `message` now and again after 2, 4, 8 ... s until `answered()`: a kernel busy running
// cells (Run All in JupyterLite) may drop a widget's message.
function askAgain(model, message, answered, wait = 2000) {
  if (answered()) return;
  try {
    model.send(message);
  } catch {
    return; // the widget was closed
  }
  if (wait <= 64000) setTimeout(() => askAgain(model, message, answered, wait * 2), wait);
}

function loadGraphviz(model) {
  if (graphvizLoading) return graphvizLoading;
  graphvizLoading = new Promise((resolve, reject) => {
    const onModule = (message) => {
      if (!message || typeof message.graphviz_module !== "string") return;
      graphvizSettled = true;
      model.off("msg:custom", onModule);
      const url = URL.createObjectURL(new Blob([message.graphviz_module], { type: "text/javascript" }));
      import(url)
        .then((module) => module.Graphviz.load())
        .then(resolve, reject)
        .finally(() => URL.revokeObjectURL(url));
    };
    model.on("msg:custom", onModule);
    askAgain(model, { graphviz_module: true }, () => graphvizSettled);
  });
  graphvizLoading.catch(() => {
    graphvizLoading = null; // another view may ask again
    graphvizSettled = false;
  });
  return graphvizLoading;
}

const answered = new WeakMap(); // model -> the request ids this page has answered (shown twice: asked once)

async function layOut(model, request) {
  if (!answered.has(model)) answered.set(model, new Set());
  if (answered.get(model).has(request.id)) return;
  answered.get(model).add(request.id);
  let reply;
  try {
    const graphviz = await loadGraphviz(model);
    const options = request.nop ? { nop: request.nop } : {};
    reply = { id: request.id, output: graphviz.layout(request.source, request.format, request.engine, options) };
  } catch (error) {
    reply = { id: request.id, error: String((error && error.message) || error) };
  }
  const view = () => model.get("view") || {};
  askAgain(model, { graphviz_done: reply }, () => !view().graphviz || view().graphviz.id !== request.id);
}
