// Play: a step every `interval()` ms until the last one (with reduced motion too: a step is no
// animation, and the play button says there is none). `playing(on)` tells the controls.
export function playback(next, atEnd, interval, playing) {
  let timer = null;
  function stop() {
    if (timer === null) return;
    clearInterval(timer);
    timer = null;
    playing(false);
  }
  return {
    stop,
    // Play, or pause if playing; `restart` is called first when play starts at the last step.
    toggle(restart) {
      if (timer !== null) return stop();
      if (atEnd()) restart();
      playing(true);
      timer = setInterval(() => (atEnd() ? stop() : next()), interval());
    },
    dispose: stop,
  };
}
