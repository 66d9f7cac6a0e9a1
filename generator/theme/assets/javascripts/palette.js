/* Daily Papers colour-scheme toggle: the header's one button (partials/palette.html) in place of
 * Material's palette form. The page is already in the stored or the system's scheme (the
 * partial's inline script, before paint); this file switches on a press, stores the choice as
 * Material stores its own (__md_set("__palette", {index, color}), so either reads the other's),
 * follows the system while nothing is stored, and keeps the two <meta> tags Material's palette
 * kept for the browser's own chrome (theme-color: the address bar; color-scheme: scrollbars). */
(() => {
  "use strict";
  const button = document.getElementById("__palette");
  if (!button) return;
  const body = document.body;
  // mkdocs.yml's two palette options, in its order (generator/site/plugin.py checks them).
  const OPTIONS = [
    { media: "(prefers-color-scheme: light)", scheme: "default" },
    { media: "(prefers-color-scheme: dark)", scheme: "slate" },
  ];
  const system = matchMedia(OPTIONS[1].media);
  const themeColor = addMeta("theme-color");
  const colorScheme = addMeta("color-scheme");

  function addMeta(name) {
    const meta = document.createElement("meta");
    meta.name = name;
    document.head.append(meta);
    return meta;
  }

  function current() {
    return button.getAttribute("aria-pressed") === "true" ? 1 : 0;
  }

  function apply(index) {
    // Material's palette.css turns transitions off while this attribute is set.
    body.setAttribute("data-md-color-switching", "");
    body.setAttribute("data-md-color-scheme", OPTIONS[index].scheme);
    button.setAttribute("aria-pressed", String(index === 1));
    const header = getComputedStyle(document.querySelector(".md-header"));
    colorScheme.content = header.colorScheme;
    const rgb = header.backgroundColor.match(/\d+/g).slice(0, 3);
    themeColor.content = "#" + rgb.map((c) => (+c).toString(16).padStart(2, "0")).join("");
    requestAnimationFrame(() => body.removeAttribute("data-md-color-switching"));
  }

  function store(index) {
    const color = {
      ...OPTIONS[index],
      primary: body.getAttribute("data-md-color-primary"),
      accent: body.getAttribute("data-md-color-accent"),
    };
    __md_set("__palette", { index, color });
  }

  button.addEventListener("click", () => {
    const index = 1 - current();
    apply(index);
    store(index);
  });
  system.addEventListener("change", () => {
    if (!__md_get("__palette")) apply(system.matches ? 1 : 0);
  });
  apply(current());
})();
