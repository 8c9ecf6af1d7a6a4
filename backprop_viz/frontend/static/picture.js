// A still diagram (bv.render) where the kernel has no dot: laid out by the browser's Graphviz
// (layout_wasm.js, joined before this file), then shown, rebuilt from a fixed set of SVG elements.
import { buildSvg } from "./player/dom.js";

function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "bv-picture";
  el.appendChild(box);
  const show = () => {
    const view = model.get("view");
    if (view.graphviz) {
      box.textContent = "laying the diagram out in the browser …";
      layOut(model, view.graphviz); // eslint-disable-line no-undef
    } else {
      const svg = buildSvg(view.svg || "");
      box.replaceChildren(...(svg ? [svg] : []));
    }
    if (view.error) box.textContent = "⚠ " + view.error;
  };
  model.on("change:view", show);
  show();
  return () => model.off("change:view", show);
}

export default { render };
