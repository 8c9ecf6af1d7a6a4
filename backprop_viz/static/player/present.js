// Present: the player fills the screen (full screen where the page allows it); Esc or the button leaves.
export function presenter(root, changed) {
  const isOn = () => root.classList.contains("bv-presenting");
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
    toggle() {
      set(!isOn());
      root.focus();
    },
    dispose() {
      document.removeEventListener("fullscreenchange", onFullscreen);
    },
  };
}
