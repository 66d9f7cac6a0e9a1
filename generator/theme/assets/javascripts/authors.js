/* Author names as links to their papers: each name on a paper page, a paper card or a row of
 * a list becomes a link to the search page's author:"Name" query (generator/search/authors.py).
 *
 * Drawn here, not in the HTML: a link per name in each of 50k paper pages and every list
 * would cost megabytes of a site at GitHub Pages' 1 GB. Loaded by search.js on the pages that
 * show names. The names come from what the page already has: a paper page's citation_author
 * tags (every visible author, in order), a card's or row's text ("A, B, C and 5 more"). Text
 * is only ever set as text. On the search page, it draws nothing: it gives search.js the links.
 */
(() => {
  "use strict";
  const form = document.querySelector("form[data-papers-search]");
  if (!form) return;
  const base = new URL(form.dataset.base, location.href);

  /** The search page's URL for one author (a quote in a name is punctuation to the name key:
   * a space finds the same author). */
  function authorUrl(name) {
    const url = new URL("search/", base);
    url.searchParams.set("q", `author:"${name.replace(/["\u201c\u201d]/g, " ")}"`);
    return url.href;
  }
  /** A link to an author's papers, showing `content` (the name, or search.js's highlighted
   * name: a node). */
  function authorLink(name, content = name) {
    const link = document.createElement("a");
    link.href = authorUrl(name);
    link.className = "paper-author";
    link.append(content);
    return link;
  }
  /** For search.js: a result's names ({names, more}), each a link showing show(name). */
  function resultNames(paper, show) {
    const fragment = document.createDocumentFragment();
    paper.names.forEach((name, n) => fragment.append(n ? ", " : "", authorLink(name, show(name))));
    if (paper.more) fragment.append(` +${paper.more}`);
    return fragment;
  }
  window.PapersAuthors = { resultNames };

  // --- a paper page: the names in its citation_author tags, found in order in its text --------
  const SEPARATOR = /^(?:,\s*|\s+)/;
  /** Link the names of `names` (in order) that a text node holds; returns how many it took. */
  function linkText(node, names, next) {
    const text = node.data;
    const parts = [];
    let at = 0;
    while (next < names.length) {
      const skip = SEPARATOR.exec(text.slice(at));
      const start = at + (skip ? skip[0].length : 0);
      if (start >= text.length) break;
      const name = names[next];
      if (!text.startsWith(name, start)) {
        // Not this name (a page older than its tags?): leave it as text, up to the next comma.
        const comma = text.indexOf(", ", start);
        parts.push(text.slice(at, comma < 0 ? text.length : comma));
        at = comma < 0 ? text.length : comma;
        next++;
        continue;
      }
      parts.push(text.slice(at, start), authorLink(name));
      at = start + name.length;
      next++;
    }
    parts.push(text.slice(at));
    node.replaceWith(...parts.filter((part) => part !== ""));
    return next;
  }
  /** A name already linked to its Hugging Face account: the name links to its papers, and a
   * mark after it keeps the account's link. */
  function linkAccount(anchor, name) {
    const account = anchor.cloneNode(false);
    account.className = "paper-author__account";
    account.textContent = "🤗";
    account.setAttribute("aria-label", `${name} on Hugging Face`);
    account.title = `${name} on Hugging Face`;
    anchor.replaceWith(authorLink(name), "\u00a0", account);
  }
  function linkPaperPage(box) {
    const names = [...document.querySelectorAll('meta[name="citation_author"]')].map((m) => m.content);
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
      acceptNode: (node) => (node.nodeName === "SUMMARY" ? NodeFilter.FILTER_REJECT
        : node.nodeType === Node.TEXT_NODE || node.nodeName === "A" ? NodeFilter.FILTER_ACCEPT
        : NodeFilter.FILTER_SKIP),
    });
    const nodes = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentNode.nodeName !== "A") nodes.push(node);
    }
    let next = 0;
    for (const node of nodes) {
      if (next >= names.length) break;
      if (node.nodeName !== "A") next = linkText(node, names, next);
      else if (node.textContent === names[next]) linkAccount(node, names[next++]);
    }
  }

  // --- cards and rows: "A, B, C and 5 more" ---------------------------------------------------
  const MORE = / and \d+ more$/;
  /** Replace a text node holding a list of names (after `lead`) with links. */
  function linkList(node, lead = "") {
    const text = node.data.slice(lead.length);
    const more = MORE.exec(text);
    const names = (more ? text.slice(0, more.index) : text).split(", ").filter((n) => n.trim());
    const parts = [lead];
    names.forEach((name, n) => parts.push(...(n ? [", "] : []), authorLink(name)));
    if (more) parts.push(more[0]);
    node.replaceWith(...parts.filter((part) => part !== ""));
  }
  function linkCards() {
    for (const box of document.querySelectorAll(".paper-card__authors")) {
      if (box.childNodes.length === 1 && box.firstChild.nodeType === Node.TEXT_NODE) linkList(box.firstChild);
    }
    for (const meta of document.querySelectorAll(".paper-row__meta")) {
      const node = meta.lastChild; // "… · ▲ 12 · A, B and 3 more": names follow the upvotes
      const lead = node?.nodeType === Node.TEXT_NODE && /^.*?▲ \d+ · /s.exec(node.data);
      if (lead) linkList(node, lead[0]);
    }
  }

  const page = document.querySelector(".paper-authors");
  if (page) linkPaperPage(page);
  linkCards();
})();
