// storyline web UI: progressive enhancement only; every page works without this file.
// Loaded as a same-origin file because the Content-Security-Policy forbids inline scripts.
"use strict";
document.addEventListener("keydown", (event) => {
  // "/" focuses the search box, as on most search-centred sites.
  const target = event.target;
  const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement;
  if (event.key === "/" && !typing) {
    const box = document.querySelector(".quicksearch input[type=search]");
    if (box) {
      event.preventDefault();
      box.focus();
    }
  }
});
