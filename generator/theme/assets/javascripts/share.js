/* Daily Papers: a reading list anyone can open (issue 24), on the Saved page, loaded by
 * saved.js. "Share the list" makes a link that holds the list itself: its papers' ids in the URL
 * fragment (saved/#papers=2603.01234,2603.05678), which browsers never send to a server. Opened
 * in any browser, the link shows those papers with their titles, read from their pages on this
 * site, and offers to add them to the reader's list or to replace it; nothing is stored before
 * the reader chooses. A link is untrusted input: a fragment that is too long, damaged or holds
 * anything but paper ids is refused with a message, and nothing changes. */
(() => {
  "use strict";
  const S = window.PapersSaved; // saved.js
  const page = document.getElementById("papers-saved");
  const shared = document.getElementById("papers-shared");
  if (!S || !page || !shared) return;
  const KEY = "#papers=";
  const ID = /^(?:\d{4}\.\d{4,5}|title-[0-9a-f]{12})$/; // generator/model.py PAPER_ID_RE
  const MAX_SHARED = 500; // ids in a link: about 6 KB of URL, which mail and chat keep whole
  const MAX_FRAGMENT = MAX_SHARED * 19; // the longest ids (title-…, 18 characters) and commas
  const FETCHES = 6; // paper pages asked for at once

  // --- making a link --------------------------------------------------------------------------
  const shareButton = page.querySelector("#papers-saved-share");
  const linkBox = page.querySelector("#papers-saved-link");
  const linkInput = page.querySelector("#papers-saved-url");
  shareButton.addEventListener("click", async () => {
    const list = S.load() || [];
    if (list.length > MAX_SHARED) {
      S.announce(`A link holds at most ${MAX_SHARED} papers, and the list has ${list.length}: export it instead.`);
      return;
    }
    const url = new URL(location.href);
    url.hash = KEY.slice(1) + list.map((p) => p.id).join(",");
    linkInput.value = url.href;
    linkBox.hidden = false;
    linkInput.select();
    let copied = false;
    try {
      await navigator.clipboard.writeText(url.href);
      copied = true;
    } catch {
      // no clipboard (a setting, an old browser): the link is selected in its box
    }
    S.announce(`${copied ? "Copied a link" : "Made a link"} to the ${S.count(list.length)}: anyone who opens it sees the list.`);
  });

  // --- opening one ----------------------------------------------------------------------------
  /** The ids a fragment holds; throws an Error that says what is wrong with it. */
  function idsOf(hash) {
    const raw = hash.slice(KEY.length);
    if (raw.length > MAX_FRAGMENT) throw new Error(`the link is too long: a shared list holds at most ${MAX_SHARED} papers`);
    let text;
    try {
      text = decodeURIComponent(raw);
    } catch {
      throw new Error("the link is damaged");
    }
    const ids = [...new Set(text.split(",").filter(Boolean))];
    if (!ids.length) throw new Error("the link holds no papers");
    if (ids.length > MAX_SHARED) throw new Error(`the link holds more than ${MAX_SHARED} papers`);
    if (!ids.every((id) => ID.test(id))) throw new Error("the link holds something that is not a paper id");
    return ids;
  }

  /** A paper's record, read from its page on this site; null when the site does not have it. */
  async function fetchRecord(id) {
    const url = S.paperUrl({ id });
    try {
      const response = await fetch(url);
      if (!response.ok) return null;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const record = S.recordOf(doc, url);
      return record && record.id === id ? record : null;
    } catch {
      return null;
    }
  }
  async function fetchAll(ids) {
    const out = new Array(ids.length);
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const i = next++;
        out[i] = await fetchRecord(ids[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(FETCHES, ids.length) }, worker));
    return out;
  }

  const note = shared.querySelector("#papers-shared-note");
  const list = shared.querySelector("ol");
  const actions = shared.querySelector(".papers-shared__actions");
  let records = [];

  function item(p) {
    const li = document.createElement("li");
    li.className = "papers-saved__item";
    const title = document.createElement("a");
    title.className = "papers-saved__title";
    title.href = S.paperUrl(p);
    title.textContent = p.title;
    const meta = document.createElement("span");
    meta.className = "papers-saved__meta";
    meta.textContent = [p.authors.slice(0, 3).join(", "), p.day].filter(Boolean).join(" · ");
    li.append(title, meta);
    return li;
  }
  function show(message, found = []) {
    records = found;
    shared.hidden = false;
    note.textContent = message;
    list.replaceChildren(...found.map(item));
    actions.hidden = !found.length;
    S.announce(message);
  }
  async function open() {
    if (!location.hash.startsWith(KEY)) return;
    let ids;
    try {
      ids = idsOf(location.hash);
    } catch (error) {
      show(`This shared list cannot be opened: ${error.message}. Nothing was saved.`);
      return;
    }
    show(`Opening a shared list of ${S.count(ids.length)}…`);
    const found = (await fetchAll(ids)).filter(Boolean);
    const missing = ids.length - found.length;
    const gone = missing ? ` ${S.count(missing)} of it ${missing === 1 ? "is" : "are"} not on this site, and left out.` : "";
    show(found.length
      ? `A shared list of ${S.count(found.length)}: add them to your list, or replace it with them.${gone}`
      : `None of the shared list's ${S.count(ids.length)} is on this site. Nothing was saved.`, found);
  }

  function close(message) {
    history.replaceState(null, "", location.pathname + location.search);
    shared.hidden = true;
    records = [];
    S.redraw();
    S.announce(message);
  }
  function keep(replace) {
    const mine = S.load() || [];
    if (replace && mine.length && !confirm(`Replace your ${S.count(mine.length)} with the shared ${S.count(records.length)}?`)) return;
    const known = new Set(replace ? [] : mine.map((p) => p.id));
    const added = records.filter((p) => !known.has(p.id) && known.add(p.id));
    const next = replace ? records : [...mine, ...added];
    if (next.length > S.MAX_PAPERS) return S.announce(`Nothing saved: the list would pass ${S.MAX_PAPERS} papers.`);
    if (!S.store(next)) return S.announce("Nothing saved: this browser did not let the site keep the list.");
    close(replace ? `Your list is now the shared ${S.count(next.length)}.`
      : `Added ${S.count(added.length)} from the shared list. ${S.count(next.length)} saved.`);
  }
  shared.querySelector("#papers-shared-add").addEventListener("click", () => keep(false));
  shared.querySelector("#papers-shared-replace").addEventListener("click", () => keep(true));
  shared.querySelector("#papers-shared-dismiss").addEventListener("click", () => close("The shared list was put aside; nothing was saved."));
  window.addEventListener("hashchange", open);
  open();
})();
