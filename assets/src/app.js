// The web app's one script (built by `make assets` into bekrin/web/static/web/app.js). htmx swaps server-rendered
// fragments; Alpine's CSP build (no eval, so the Content Security Policy stays strict) keeps small client state;
// the attendance grid is its own module. Every handler is delegated from the document, so content htmx swaps in
// needs no set-up.
import htmx from "htmx.org";
import Alpine from "@alpinejs/csp";
import { startAttendanceGrid } from "./grid.js";

// Nothing evaluated from the page, no inline <style> for htmx's indicators (app.css has them): what the CSP
// allows anyway, said so htmx does not try.
htmx.config.allowEval = false;
htmx.config.allowScriptTags = false;
htmx.config.includeIndicatorStyles = false;

Alpine.data("menu", () => ({
  open: false,
  toggle() {
    this.open = !this.open;
  },
  get shown() {
    return this.open ? "show" : "";
  },
}));

// A button that prints the page (a receipt, a password slip): no inline handler, which the CSP would refuse.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

window.Alpine = Alpine;
Alpine.start();
startAttendanceGrid(document);
