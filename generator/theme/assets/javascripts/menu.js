/* Daily Papers: the header's Menu button (partials/sections.html), shown on small screens only.
 * It opens and closes the site's sections; Escape closes them and returns focus to the button,
 * and so does a press anywhere else, without taking the focus. */
(() => {
  "use strict";
  const button = document.querySelector(".papers-sections__toggle");
  if (!button) return;
  const isOpen = () => button.getAttribute("aria-expanded") === "true";
  const set = (open) => button.setAttribute("aria-expanded", String(open));

  button.addEventListener("click", () => set(!isOpen()));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !isOpen()) return;
    set(false);
    button.focus();
  });
  document.addEventListener("click", (event) => {
    if (isOpen() && !button.parentElement.contains(event.target)) set(false);
  });
})();
