// Keys: taken on their way down (window, capture phase), before a notebook's own shortcuts see them
// (Notebook 7 and JupyterLab handle keys at the document, which would otherwise eat the arrows). A key
// belongs to the player when its path passes through the player's root: from inside a shadow root
// (marimo), the event's target is the host, its composed path the real element.
export function keys(root, actions) {
  const onKey = (event) => {
    const path = event.composedPath();
    if (!path.includes(root)) return;
    const target = path[0];
    if (target.closest && target.closest(".bv-inputs")) return; // an input slider's own keys
    if (target.matches && target.matches("input[type=text]")) return; // typing a prediction
    const act = actions(event.key);
    if (!act || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    event.stopPropagation();
    act();
  };
  window.addEventListener("keydown", onKey, true);
  return {
    dispose() {
      window.removeEventListener("keydown", onKey, true);
    },
  };
}
