/* Daily Papers: "New" on the cards of papers that appeared since the reader's previous visit
 * (issue 24), on day pages, the front page and the Trending page (their front matter's
 * `marks`). Kept in this
 * browser (localStorage) and sent nowhere; the HTML carries nothing for it: each card's paper id
 * is read from its title link and its day from the cards' data-day.
 *
 * A visit is a run of page views with less than VISIT_GAP between them, so moving between pages
 * keeps the marks, and the next day's visit compares with this one. What a visit keeps is the
 * newest day it saw on any page and the papers of that day it saw: a paper is new when its day
 * is newer than that, or it is that day's and was not there then (a day fills during the day).
 * On the Trending page a paper is new when the list the last visit saw did not hold it.
 * With no previous visit nothing is marked. */
(() => {
  "use strict";
  const STORE = "papers-visits";
  const VISIT_GAP = 30 * 60 * 1000; // ms without a page view that end a visit
  const MAX_IDS = 500; // a day has ~50 papers; a hostile or stale store stays small
  const DAY = /^\d{4}-\d{2}-\d{2}$/;

  const form = document.querySelector("[data-paper-url]");
  const template = form ? form.dataset.paperUrl : "";
  if (!template) return;
  const literal = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const paperPath = new RegExp(template.split("{id}").map(literal).join("([^/?#]+)") + "$");
  const idOf = (link) => (paperPath.exec(new URL(link.href, location.href).pathname) || [])[1];

  /** A stored visit, checked: anything else (an old format, a hand edit) counts as none. */
  function visit(value) {
    // day "": a visit that saw no day page (only the Trending page)
    if (!value || typeof value !== "object" || !(value.day === "" || DAY.test(value.day))) return null;
    if (!Array.isArray(value.ids) || !Number.isFinite(value.at)) return null;
    const strings = (list) => (Array.isArray(list) ? list : []).filter((id) => typeof id === "string");
    const trending = Array.isArray(value.trending) ? strings(value.trending).slice(0, MAX_IDS) : null;
    return { day: value.day, ids: strings(value.ids).slice(0, MAX_IDS), at: value.at, trending };
  }

  function read() {
    try {
      const raw = JSON.parse(localStorage.getItem(STORE) || "{}");
      return { previous: visit(raw.previous), current: visit(raw.current) };
    } catch {
      return { previous: null, current: null };
    }
  }

  function write(state) {
    try {
      localStorage.setItem(STORE, JSON.stringify(state));
    } catch {
      // storage full or refused: no marks next time, nothing else changes
    }
  }

  /** This page's cards: paper ids, with their day (a day's group) or as the trending list. */
  function cards() {
    const found = [];
    for (const group of document.querySelectorAll('.paper-cards[data-day], .paper-cards[data-list="trending"]')) {
      const trending = group.dataset.list === "trending";
      const day = trending ? "" : group.dataset.day;
      if (!trending && !DAY.test(day)) continue;
      for (const card of group.querySelectorAll("article.paper-card")) {
        const link = card.querySelector(".paper-card__title a");
        const id = link && idOf(link);
        if (id) found.push({ card, id, day, trending });
      }
    }
    return found;
  }

  function isNew(item, previous) {
    if (item.trending) return previous.trending !== null && !previous.trending.includes(item.id);
    if (!previous.day) return false; // the last visit saw no day: nothing to compare with
    if (item.day !== previous.day) return item.day > previous.day;
    return !previous.ids.includes(item.id);
  }

  function mark(item) {
    item.card.classList.add("paper-card--new");
    const badge = document.createElement("span");
    badge.className = "paper-new";
    badge.textContent = "New";
    const title = item.card.querySelector(".paper-card__title");
    title.prepend(badge, " ");
  }

  /** This page's trending list, or its newest day and that day's papers, added to the visit. */
  function seen(current, shown, now) {
    const listed = shown.filter((item) => item.trending).map((item) => item.id);
    if (listed.length) {
      const base = current || { day: "", ids: [], trending: null };
      return { ...base, trending: listed.slice(0, MAX_IDS), at: now };
    }
    shown = shown.filter((item) => !item.trending);
    const newest = shown.reduce((day, item) => (item.day > day ? item.day : day), "");
    if (!newest) return current ? { ...current, at: now } : null;
    const ids = shown.filter((item) => item.day === newest).map((item) => item.id);
    const trending = current ? current.trending : null;
    if (!current || newest > current.day) return { day: newest, ids: ids.slice(0, MAX_IDS), at: now, trending };
    if (newest < current.day) return { ...current, at: now };
    const all = [...new Set([...current.ids, ...ids])].slice(0, MAX_IDS);
    return { day: current.day, ids: all, at: now, trending };
  }

  const now = Date.now();
  let { previous, current } = read();
  if (current && now - current.at > VISIT_GAP) {
    previous = current; // a new visit: the last one is what it compares with, and it knows
    current = { ...current }; // all the last one knew, even if it sees only an old day
  }
  const shown = cards();
  const fresh = previous ? shown.filter((item) => isNew(item, previous)) : [];
  fresh.forEach(mark);
  const count = document.querySelector(".day-nav span");
  if (fresh.length && count) {
    const note = document.createElement("span");
    note.className = "paper-new-count";
    note.textContent = ` · ${fresh.length} new since your last visit`;
    count.append(note);
  }
  write({ previous, current: seen(current, shown, now) });
})();
