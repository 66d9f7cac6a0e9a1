/* Daily Papers: a paper card's thumbnail that fails to load (an external image: gone, blocked,
 * offline) gives way to a neutral box of the same size, not the browser's broken-image icon
 * (issue 15; papers.css draws the box). No inline handlers: this file is loaded with defer, so an
 * image may have failed before it runs (found by complete && naturalWidth === 0); later failures
 * are caught by one "error" listener in the capture phase, as error events do not bubble. */
(() => {
  "use strict";
  const THUMB = "img.paper-card__thumb";

  function placeholder(img) {
    if (img.hidden) return;
    const box = document.createElement("span");
    box.className = "paper-card__thumb paper-card__thumb--missing";
    box.setAttribute("aria-hidden", "true"); // decorative, as the image was (alt="")
    img.hidden = true;
    img.before(box);
  }

  document.addEventListener(
    "error",
    (event) => {
      const target = event.target;
      if (target instanceof HTMLImageElement && target.matches(THUMB)) placeholder(target);
    },
    true,
  );
  for (const img of document.querySelectorAll(THUMB)) {
    if (img.complete && img.naturalWidth === 0) placeholder(img);
  }
})();
