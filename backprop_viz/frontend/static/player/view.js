// The diagram's viewport: zoom (fit, −, +, 100%), following the highlighted element, drag to pan.
const MIN_ZOOM = 0.1;
const MAX_ZOOM = 4;
const ZOOM_STEP = 1.25;
const PRESENT_TEXT = 18; // px: the diagram's smallest text when presenting, readable from the back of a room

// `root` is the player (its classes say presenting and zoomed), `options()` the widget's options,
// `zoomed(fitted, natural, whole)` tells the controls which zoom is on (whole: all of the diagram in view).
export function diagramView(root, viewport, options, zoomed) {
  let svg = null;
  let natural = { width: 1, height: 1, font: 16 };
  let zoom = "auto"; // "auto": not chosen yet; null: fit to the width; a number: that much of the natural size
  let chosen = false; // the student chose a zoom: keep it when the page changes size
  let target = null; // the element to keep in view
  let whole = false; // presenting: the whole diagram (the overview) rather than the current step large
  const presenting = () => root.classList.contains("bv-presenting");

  function room() {
    const width = viewport.clientWidth || root.clientWidth || natural.width;
    if (!presenting()) return { width, height: Infinity };
    return { width, height: Math.max(120, viewport.clientHeight) };
  }

  // Fitted: as wide as the room, never above natural size; presenting, up to three times it.
  function fitZoom() {
    const r = room();
    return Math.min(presenting() ? 3 : 1, r.width / natural.width, r.height / natural.height);
  }

  // Fit, unless that makes the text smaller than min_text: then open_text, scrolled to the highlight.
  function startZoom() {
    const o = options();
    const least = (o.min_text || 0) / natural.font;
    if (fitZoom() >= least || presenting()) return null;
    return Math.min(1, (o.open_text || o.min_text) / natural.font);
  }

  // Presenting: the smallest text (the gates' 8 pt names as much as the wires' numbers) at PRESENT_TEXT px,
  // following the highlight, unless the whole diagram fits as large.
  function presentZoom() {
    if (whole) return fitZoom();
    return Math.max(fitZoom(), Math.min(MAX_ZOOM, PRESENT_TEXT / (natural.least || natural.font)));
  }

  function scaleNow() {
    if (typeof zoom === "number") return zoom;
    return zoom === "present" ? presentZoom() : fitZoom();
  }

  function apply() {
    if (!svg) return;
    if (zoom === "auto") {
      if (!viewport.clientWidth) return; // not on the page yet: the resize observer calls again
      zoom = startZoom();
    }
    const z = scaleNow();
    svg.style.width = natural.width * z + "px";
    svg.style.height = natural.height * z + "px";
    const r = room();
    const zoomedIn = zoom !== null && (natural.width * z > r.width + 1 || natural.height * z > r.height + 1);
    root.classList.toggle("bv-zoomed", zoomedIn);
    // Zoomed in, the viewport scrolls: Tab reaches it (arrow keys still step; drag, wheel and scrollbars move it).
    if (zoomedIn) {
      viewport.tabIndex = 0;
      viewport.setAttribute("role", "region");
      viewport.setAttribute("aria-label", "the diagram, zoomed in: drag or scroll to see the rest");
    } else {
      for (const name of ["tabindex", "role", "aria-label"]) viewport.removeAttribute(name);
    }
    zoomed(zoom === null || (zoom === "present" && whole), zoom === 1, !zoomedIn);
    root.dataset.zoom = z.toFixed(3);
    follow();
  }

  function zoomTo(z) {
    chosen = true;
    whole = false;
    zoom = z === null ? null : Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, z));
    apply();
  }

  // Bring the target into view, sideways and up/down, only when it is out of view (an instant jump:
  // no smooth scrolling, which also suits a reader who asked for reduced motion).
  function follow() {
    if (!target || !root.classList.contains("bv-zoomed")) return; // all of it is in view
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
  const onDown = (event) => {
    if (!root.classList.contains("bv-zoomed") || event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, left: viewport.scrollLeft, top: viewport.scrollTop };
    if (viewport.setPointerCapture) viewport.setPointerCapture(event.pointerId);
    viewport.classList.add("bv-dragging");
  };
  const onMove = (event) => {
    if (!drag) return;
    viewport.scrollLeft = drag.left - (event.clientX - drag.x);
    viewport.scrollTop = drag.top - (event.clientY - drag.y);
  };
  const onUp = () => {
    drag = null;
    viewport.classList.remove("bv-dragging");
  };
  const wiring = [
    ["pointerdown", onDown],
    ["pointermove", onMove],
    ["pointerup", onUp],
    ["pointercancel", onUp],
  ];
  for (const [name, listener] of wiring) viewport.addEventListener(name, listener);

  // A new width; presenting, also a new height of the viewport (the step's words below it grow and shrink).
  let lastRoom = "";
  const resize = new ResizeObserver(() => {
    const now = root.clientWidth + "x" + (presenting() ? viewport.clientHeight : 0);
    if (now === lastRoom) return;
    lastRoom = now;
    if (!chosen && !presenting()) zoom = "auto";
    apply();
  });
  resize.observe(root);
  resize.observe(viewport);

  return {
    // A new diagram (an svg element, or null while there is none) of this natural size.
    setDiagram(element, size) {
      svg = element;
      if (size) natural = size;
      zoom = "auto";
      target = null;
      apply();
    },
    // Keep `element` in view from now on (null: nothing to follow); `now`: scroll to it at once if needed.
    follow(element, now = true) {
      target = element || null;
      if (now) follow();
    },
    // Presenting began (fill the screen, the current step large) or ended (as it opened).
    present(on) {
      zoom = on ? "present" : "auto";
      whole = false;
      requestAnimationFrame(apply);
    },
    // Presenting: switch between the whole diagram and the current step large; true when the whole shows.
    overview() {
      if (!presenting()) return false;
      whole = zoom !== "present" ? true : !whole;
      zoom = "present";
      apply();
      return whole;
    },
    fit: () => zoomTo(null),
    smaller: () => zoomTo(scaleNow() / ZOOM_STEP),
    larger: () => zoomTo(scaleNow() * ZOOM_STEP),
    actual: () => zoomTo(1),
    dispose() {
      resize.disconnect();
      for (const [name, listener] of wiring) viewport.removeEventListener(name, listener);
    },
  };
}
