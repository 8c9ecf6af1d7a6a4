// Elements, made only from a fixed set: the words as trees, the diagram from its SVG text. Nothing the
// kernel sends is ever parsed as HTML into the page; PROTOCOL names the tags and attributes allowed.
import PROTOCOL from "./protocol.json" with { type: "json" };

const SVG_NS = "http://www.w3.org/2000/svg";
const TREE_TAGS = new Set(PROTOCOL.tags);
const TREE_ATTRIBUTES = new Set(PROTOCOL.attributes);
const TREE_STYLE = new RegExp(PROTOCOL.style);
const SVG_ELEMENTS = new Set(PROTOCOL.svg.elements);
const SVG_ATTRIBUTES = new Set(PROTOCOL.svg.attributes);

export function tag(name, className, text) {
  const e = document.createElement(name);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// A button named by its text (what a screen reader says is what one sees); `title` says more.
export function button(className, text, title) {
  const b = tag("button", "bv-button " + className, text);
  b.type = "button";
  b.title = title;
  return b;
}

// A number the kernel sent: a number, or "inf", "-inf", "nan" for those that JSON cannot carry.
export function numberOf(value) {
  if (typeof value === "number") return value;
  return value === "inf" ? Infinity : value === "-inf" ? -Infinity : NaN;
}

// How a number the kernel sent reads: inf, -inf, nan for those that are not finite, as the kernel writes them
// in the diagram, the table and the explanations (numbers.fmt).
export function numberText(value) {
  const x = numberOf(value);
  if (Number.isFinite(x)) return String(Number(x.toPrecision(6)));
  return PROTOCOL.nonfinite[Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf"];
}

function treeAttributes(e, head) {
  if (typeof head === "string") {
    if (head) e.className = head;
    return;
  }
  if (!head || typeof head !== "object") return;
  for (const [name, value] of Object.entries(head)) {
    if (!TREE_ATTRIBUTES.has(name)) continue;
    if (name === "style" && !TREE_STYLE.test(String(value))) continue;
    e.setAttribute(name, String(value));
  }
}

// Children as the kernel sends them: strings (text) and trees [tag, class or {attributes}, ...children].
// In an explanation (`words`: {numbers, pieces}), a number n >= 0 stands for `numbers[n]` (its numbers
// travel apart) and n < 0 for the tree `pieces[-1 - n]` (its repeated parts are sent once; a piece
// refers only to pieces before it). A tree whose tag is outside the fixed set gives its text only.
export function build(children, into = document.createDocumentFragment(), words = null, limit = Infinity) {
  if (typeof children === "string") return build(legacy(children), into);
  if (!Array.isArray(children)) return into;
  const pieces = (words && words.pieces) || [];
  for (const child of children) {
    if (typeof child === "string") {
      into.appendChild(document.createTextNode(child));
    } else if (typeof child === "number" && words && child < 0) {
      const k = -1 - child;
      if (k < Math.min(limit, pieces.length)) build([pieces[k]], into, words, k);
    } else if (typeof child === "number") {
      const text = words ? (words.numbers || [])[child] : child;
      into.appendChild(document.createTextNode(String(text ?? "")));
    } else if (Array.isArray(child) && typeof child[0] === "string") {
      const [name, head, ...rest] = child;
      if (TREE_TAGS.has(name)) {
        const e = document.createElement(name);
        treeAttributes(e, head);
        build(rest, e, words, limit);
        into.appendChild(e);
      } else {
        build(rest, into, words, limit);
      }
    }
  }
  return into;
}

// The stepper's table of nodes from its data: {head: [three headings], rows: [[label, element, slot]]};
// a row is state element `element`, its cells slots `slot` (value), `slot + 1` (gradient) and, after the
// label, `slot + 2` (the warning mark).
export function nodeTable(spec) {
  const table = tag("table", "bv-table");
  const top = tag("tr");
  for (const text of (spec.head || []).slice(0, 3)) top.appendChild(tag("th", "", String(text)));
  table.appendChild(top);
  for (const row of spec.rows || []) {
    if (!Array.isArray(row)) continue;
    const [label, element, slot] = row;
    const tr = tag("tr");
    tr.setAttribute("data-e", String(Number(element)));
    const name = tag("td", "", String(label));
    const mark = tag("span");
    mark.setAttribute("data-s", String(Number(slot) + 2));
    name.appendChild(mark);
    const value = tag("td"), grad = tag("td");
    value.setAttribute("data-s", String(Number(slot)));
    grad.setAttribute("data-s", String(Number(slot) + 1));
    tr.append(name, value, grad);
    table.appendChild(tr);
  }
  return table;
}

// Put `children` in place of what `e` holds.
export function fill(e, children) {
  e.replaceChildren(build(children));
}

// Words saved as HTML by an older version: read by an inert parser (nothing in it runs or loads) into
// trees, so they are built from the same fixed set.
function legacy(text) {
  const doc = new DOMParser().parseFromString("<body>" + text, "text/html");
  const walk = (node) => {
    const out = [];
    for (const c of node.childNodes) {
      if (c.nodeType === 3) out.push(c.data);
      else if (c.nodeType === 1) {
        const head = {};
        for (const a of c.attributes) head[a.name] = a.value;
        out.push([c.localName, head, ...walk(c)]);
      }
    }
    return out;
  };
  return walk(doc.body);
}

// The diagram: the SVG text read by an inert XML parser, then made again element by element from the
// fixed set (no script, foreignObject, links or event attributes can come through).
export function buildSvg(text) {
  const doc = new DOMParser().parseFromString(String(text || ""), "image/svg+xml");
  const top = doc.documentElement;
  if (!top || top.localName !== "svg" || top.namespaceURI !== SVG_NS) return null;
  const copy = (source) => {
    const e = document.createElementNS(SVG_NS, source.localName);
    for (const a of source.attributes) {
      if (a.namespaceURI === null && SVG_ATTRIBUTES.has(a.name)) e.setAttribute(a.name, a.value);
    }
    for (const c of source.childNodes) {
      if (c.nodeType === 3) e.appendChild(document.createTextNode(c.data));
      else if (c.nodeType === 1 && c.namespaceURI === SVG_NS && SVG_ELEMENTS.has(c.localName)) e.appendChild(copy(c));
    }
    return e;
  };
  return copy(top);
}
