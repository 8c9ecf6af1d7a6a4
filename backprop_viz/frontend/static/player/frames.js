// The frames as the kernel sends them (the first in full, then each frame's changes) made whole again.

// Every frame in full, from the first one and each frame's changes (a flat list: position, value, ...).
export function replay(first, changes) {
  const out = [first.slice()];
  for (const change of changes) {
    const next = out[out.length - 1].slice();
    for (let i = 0; i < change.length; i += 2) next[change[i]] = change[i + 1];
    out.push(next);
  }
  return out;
}

// A part as sent: a dict; an older saved notebook kept it as a JSON string.
function readPart(part) {
  if (typeof part !== "string") return part || {};
  try {
    return JSON.parse(part);
  } catch {
    return {};
  }
}

// The walk and the words as whole frames; null while there are none (the diagram is still being drawn).
export function unpack(walk, words) {
  walk = readPart(walk);
  words = readPart(words);
  if (!Array.isArray(walk.states0) || !Array.isArray(words.texts0)) return null;
  return {
    texts: replay(words.texts0, words.texts || []),
    states: replay(walk.states0, walk.states || []),
    notes: walk.notes || words.notes || [], // an older version sent the words whole, with the texts
    numbers: words.numbers || [],
    pieces: walk.pieces || [],
    asks: words.asks || [],
    heads: walk.heads || [],
    focus: walk.focus || [],
  };
}
