// The host's theme, for a view whose theme is "auto": JupyterLab and Notebook 7 (body
// data-jp-theme-light), VS Code (body.vscode-dark, vscode-high-contrast), marimo (.dark or
// data-theme=dark on an ancestor or the document), else the page's prefers-color-scheme.
// `changed(dark)` is called when the host switches; dispose stops watching.
const WATCHED = ["class", "data-jp-theme-light", "data-theme"];

// The element `el` is in, and each one around it, through shadow roots (marimo renders into one).
function* ancestors(el) {
  for (let e = el; e; ) {
    yield e;
    if (e.parentElement) e = e.parentElement;
    else {
      const root = e.getRootNode();
      e = root instanceof ShadowRoot ? root.host : null;
    }
  }
}

function hostSays(el) {
  const body = document.body;
  const jupyter = body && body.getAttribute("data-jp-theme-light");
  if (jupyter === "false" || jupyter === "true") return jupyter === "false";
  if (body && body.classList.contains("vscode-high-contrast-light")) return false;
  if (body && (body.classList.contains("vscode-dark") || body.classList.contains("vscode-high-contrast"))) return true;
  if (body && body.classList.contains("vscode-light")) return false;
  for (const e of [...ancestors(el), document.documentElement]) {
    if (!e || !e.getAttribute) continue;
    const named = e.getAttribute("data-theme");
    if (named === "dark" || named === "light") return named === "dark";
    if (e.classList.contains("dark")) return true;
  }
  return null;
}

export function hostTheme(el, changed) {
  const media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  const dark = () => {
    const said = hostSays(el);
    return said === null ? Boolean(media && media.matches) : said;
  };
  let last = dark();
  const check = () => {
    const now = dark();
    if (now !== last) changed((last = now));
  };
  const observer = new MutationObserver(check);
  for (const e of [document.documentElement, document.body]) {
    if (e) observer.observe(e, { attributes: true, attributeFilter: WATCHED });
  }
  if (media && media.addEventListener) media.addEventListener("change", check);
  return {
    dark,
    dispose() {
      observer.disconnect();
      if (media && media.removeEventListener) media.removeEventListener("change", check);
    },
  };
}
