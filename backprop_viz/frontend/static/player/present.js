// Present: the player fills the screen (full screen where the page allows it); Esc or the button leaves.
// The current step shows large and followed; `overviewButton` (or the key o) switches to the whole
// diagram and back: `overview()` does it; `showsWhole(yes)` says whether all of the diagram is in view.
import { button } from "./dom.js";

const OVERVIEW_TITLE = "the whole diagram, or the current step large (o)";
export const PRESENT_TITLE = "full screen, the current step large (o: the whole diagram; Esc leaves)";

export function presenter(root, changed, overview) {
  const isOn = () => root.classList.contains("bv-presenting");
  const overviewButton = button("bv-overview", "whole diagram", OVERVIEW_TITLE);
  overviewButton.setAttribute("aria-label", "whole diagram (o): or the current step large");
  overviewButton.setAttribute("aria-pressed", "false");
  const showWhole = () => overview();
  overviewButton.addEventListener("click", showWhole);
  function set(on) {
    root.classList.toggle("bv-presenting", on);
    if (on && root.requestFullscreen) root.requestFullscreen().catch(() => {});
    if (!on && document.fullscreenElement === root) document.exitFullscreen().catch(() => {});
    changed(on);
  }
  const onFullscreen = () => {
    if (document.fullscreenElement !== root && isOn()) {
      root.classList.remove("bv-presenting");
      changed(false);
    }
  };
  document.addEventListener("fullscreenchange", onFullscreen);
  return {
    isOn,
    overviewButton,
    overview: showWhole,
    showsWhole(yes) {
      overviewButton.setAttribute("aria-pressed", yes ? "true" : "false");
    },
    toggle() {
      set(!isOn());
      root.focus();
    },
    dispose() {
      document.removeEventListener("fullscreenchange", onFullscreen);
      overviewButton.removeEventListener("click", showWhole);
    },
  };
}
