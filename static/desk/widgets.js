// Fixes to Django's stock admin widgets. SelectFilter2 (filter_horizontal, the tag picker) puts
// aria-label on a bare <span> inside its search labels, which ARIA forbids (axe:
// aria-prohibited-attr); as an image the icon may carry its label. Runs after SelectFilter2,
// which builds its markup in its own window-load handler (ours may be registered first, so it
// waits one more turn).
"use strict";

window.addEventListener("load", () => setTimeout(() => {
  document.querySelectorAll(".selector .help-tooltip[aria-label]:not([role])").forEach((icon) => {
    icon.setAttribute("role", "img");
  });
}, 0));
