"""Driving a notebook in JupyterLab (or Notebook 7) the way a person would: open, menus, run all, errors."""

from __future__ import annotations

import re
import time

from chromium import settle
from servers import LabServer, write_notebook

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the chromium_browser fixture reports the missing package
    PlaywrightTimeout = TimeoutError

# The traceback output JupyterLab shows for a failing cell.
ERROR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


class Lab:
    """Drives one notebook in JupyterLab the way a person would."""

    def __init__(self, page, server: LabServer):
        self.page = page
        self.server = server

    def open(self, name: str):
        page = self.page
        page.goto(self.server.notebook_url(name))
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", state="visible", timeout=60_000)
        self._accept_kernel_dialog()
        # the kernel has started when the status says idle (JupyterLab's toolbar; Notebook 7's kernel logo)
        page.wait_for_selector(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']"
            if self.server.app == "jupyterlab"
            else ".jp-NotebookKernelStatus:not(.jp-NotebookKernelStatus-busy), .jp-NotebookKernelLogo",
            state="attached",
            timeout=60_000,
        )
        return self

    def _accept_kernel_dialog(self):
        dialog = self.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
        try:
            dialog.first.wait_for(state="visible", timeout=1_500)
        except PlaywrightTimeout:
            return
        self.accept_dialogs()

    def accept_dialogs(self) -> list[str]:
        """Accept any dialog in the way (kernel choice, ...); returns their texts."""
        texts = []
        dialog = self.page.locator(".jp-Dialog")
        while dialog.count() and dialog.first.is_visible():
            shown = dialog.first.element_handle()
            texts.append(shown.inner_text())
            dialog.first.locator(".jp-Dialog-button.jp-mod-accept").first.click()
            shown.wait_for_element_state("hidden")  # gone (another may follow)
        return texts

    def menu(self, *path: str) -> None:
        """Click through the menu bar: ``menu("Run", "Run All Cells")``."""
        page = self.page
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(path[0])}$")).click()
        for label in path[1:]:
            item = page.locator(".lm-Menu:visible .lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(label)}$"))
            item.last.click()

    def left_sidebar(self, shown: bool) -> None:
        """View > Appearance > Show Left Sidebar, toggled to ``shown`` (closed: a projector's full width)."""
        is_shown = self.page.evaluate("!!document.querySelector('#jp-left-stack:not(.lm-mod-hidden)')")
        if is_shown != shown:
            self.menu("View", "Appearance", "Show Left Sidebar")
            self.page.wait_for_function(
                "shown => !!document.querySelector('#jp-left-stack:not(.lm-mod-hidden)') === shown", arg=shown
            )

    def set_theme(self, name: str) -> None:
        """Settings > Theme > ``name`` (e.g. "JupyterLab Dark"); waits until the page uses it."""
        self.menu("Settings", "Theme", name)
        self.page.wait_for_function("name => document.body.dataset.jpThemeName === name", arg=name, timeout=30_000)
        settle(self.page)  # the theme's style sheet applies

    def code_prompts(self) -> list[str]:
        return self.page.eval_on_selector_all(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt",
            "els => els.map(e => e.textContent.trim())",
        )

    def run_all(self, timeout: float = 120) -> None:
        """Edit > Clear Outputs of All Cells, then Run > Run All Cells, retried until the cells run.

        The notebooks are saved with their outputs, so the outputs are cleared
        first: every execution count seen afterwards comes from this run. On a
        fresh server the first Run All may be dropped while the kernel connection
        settles: retry when nothing started. A cell that fails stops the wait.
        """
        page = self.page
        self.accept_dialogs()
        self.menu("Edit", "Clear Outputs of All Cells")
        page.wait_for_function(
            """() => [...document.querySelectorAll(
                    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')]
                .every(e => !/\\d/.test(e.textContent))""",
            timeout=10_000,
        )
        deadline = time.monotonic() + timeout
        started = False
        for _attempt in range(4):
            self.accept_dialogs()
            self.menu("Run", "Run All Cells")
            until = time.monotonic() + 10
            while time.monotonic() < until:
                prompts = self.code_prompts()
                if prompts and any(re.search(r"\[(\*|\d+)\]", p) for p in prompts):
                    started = True
                    break
                page.wait_for_timeout(200)
            if started:
                break
        assert started, f"Run All Cells did nothing; prompts: {self.code_prompts()}"
        while time.monotonic() < deadline:
            prompts = self.code_prompts()
            if prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts):
                return
            if "[*]:" not in prompts and (errors := self.error_outputs()):
                raise AssertionError(f"a cell failed; prompts: {prompts}\n" + "\n".join(errors))
            page.wait_for_timeout(250)
        raise AssertionError(f"cells did not finish within {timeout} s; prompts: {self.code_prompts()}")

    def error_outputs(self) -> list[str]:
        return self.page.eval_on_selector_all(
            f".jp-NotebookPanel:not(.lm-mod-hidden) :is({ERROR_OUTPUT})",
            "els => els.map(e => e.innerText.slice(0, 2000))",
        )

    def write_notebook(self, name: str, *cells: str) -> str:
        """A notebook of code cells in the server's root (a temporary directory); returns its name."""
        write_notebook(self.server.root / name, *cells)
        return name
