// claimsearch search page: plain JavaScript, no build step, no third-party code.
//
// Every string that comes from the API is put into the page with textContent or
// createTextNode, never parsed as HTML: claims quote arbitrary article text.
"use strict";

(() => {
  // The page and the API share an origin and a base path: "/" locally, "/<stage>/" on API
  // Gateway. app.js is at <base>static/app.js, so the base is one folder up from it.
  const BASE = new URL("../", document.currentScript.src);
  const PAGE_SIZE = 20;
  const SUGGEST_DELAY_MS = 200;
  const KEY_STORAGE = "claimsearch.apiKey";

  // Page state <-> the page's query string, so every view can be bookmarked and shared.
  const STATE_KEYS = [
    "q", "match", "claimant", "claimant_id", "claimant_name", "organization", "entity", "publisher",
    "quote_type", "cue_class", "published_from", "published_to", "collapse", "limit", "article", "claim",
  ];
  // What the search API takes from the state (claimant_name is only for display).
  const FILTER_KEYS = [
    "q", "match", "claimant", "claimant_id", "organization", "entity", "publisher",
    "quote_type", "cue_class", "published_from", "published_to",
  ];
  // The chip of a match mode the URL or a relaxed answer's facet asked for ("best" is the default).
  const MATCH_LABELS = { all: "every word", any: "any word", best: "best match" };
  const FACETS = [
    ["claimant", "Claimant"],
    ["organization", "Organization"],
    ["entity", "Entity"],
    ["publisher", "Publisher"],
  ];
  const FILTER_LABELS = {
    q: "Words",
    match: "Match",
    claimant: "Claimant",
    claimant_id: "Claimant",
    organization: "Organization",
    entity: "Entity",
    publisher: "Publisher",
    quote_type: "Quote",
    cue_class: "Kind of claim",
    published_from: "Published from",
    published_to: "Published to",
  };

  const $ = (id) => document.getElementById(id);

  // -- small DOM helpers ----------------------------------------------------------------

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  // -- state ----------------------------------------------------------------------------

  function readState() {
    const params = new URLSearchParams(window.location.search);
    const state = {};
    for (const key of STATE_KEYS) {
      const value = params.get(key);
      if (value) state[key] = value;
    }
    return state;
  }

  function pageUrl(state) {
    const params = new URLSearchParams();
    for (const key of STATE_KEYS) if (state[key]) params.set(key, state[key]);
    const query = params.toString();
    return query ? `?${query}` : window.location.pathname;
  }

  function navigate(state, { replace = false } = {}) {
    const url = pageUrl(state);
    // The same search again is no new place to go back to: one history entry, not three.
    const here = url === (window.location.search || window.location.pathname);
    if (replace || here) window.history.replaceState(null, "", url);
    else window.history.pushState(null, "", url);
    return render();
  }

  // `collapse` shapes the answer rather than filtering it: searches send it, the export
  // (which streams every match) does not, and it gets no filter chip.
  function searchParams(state, { collapse = true } = {}) {
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) if (state[key]) params.set(key, state[key]);
    if (collapse && state.collapse === "cluster") params.set("collapse", "cluster");
    return params;
  }

  // -- the API ----------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(message, status) {
      super(message);
      this.status = status;
    }
  }

  function apiKey() {
    try {
      return window.sessionStorage.getItem(KEY_STORAGE) || "";
    } catch {
      return "";
    }
  }

  function apiUrl(path, params) {
    const url = new URL(path, BASE);
    if (params) url.search = params.toString();
    return url;
  }

  async function api(path, params, signal) {
    const headers = { Accept: "application/json" };
    const key = apiKey();
    if (key) headers["x-api-key"] = key;
    let response;
    try {
      response = await fetch(apiUrl(path, params), { headers, signal });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiError("The API could not be reached. Is the server running?", 0);
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (!response.ok) {
      if (response.status === 403 && !(body && body.error)) {
        // API Gateway's own answer when the key is missing or wrong.
        $("api-key-panel").open = true;
        throw new ApiError(
          key
            ? "The API refused this key. Check the key under “API key” at the bottom of the page."
            : "This API needs a key: enter it under “API key” at the bottom of the page.",
          403,
        );
      }
      const message = body && body.error ? body.error.message : `The API answered ${response.status}.`;
      throw new ApiError(message, response.status);
    }
    return body;
  }

  function showError(error) {
    if (error && error.name === "AbortError") return;
    const box = $("error");
    box.textContent = error ? error.message : "";
    show(box, Boolean(error));
  }

  // -- marked text ------------------------------------------------------------------------

  // Renders text[from, to) of a string that starts at article offset `base`, splitting it
  // where any layer starts or ends. Each layer is {start, end, role, claim}: article offsets,
  // the part of a claim it marks (claimant, cue, content, term) and the claim's id. Pieces
  // covered by a layer become <mark> elements carrying their offsets and the claims they
  // belong to, so the page (and its tests) can check each mark against the article.
  function markedText(text, base, layers) {
    const end = base + text.length;
    const inside = layers
      .map((l) => ({ ...l, start: Math.max(l.start, base), end: Math.min(l.end, end) }))
      .filter((l) => l.start < l.end);
    const cuts = new Set([base, end]);
    for (const layer of inside) {
      cuts.add(layer.start);
      cuts.add(layer.end);
    }
    const points = [...cuts].sort((a, b) => a - b);
    const fragment = document.createDocumentFragment();
    for (let i = 0; i + 1 < points.length; i++) {
      const [from, to] = [points[i], points[i + 1]];
      const piece = text.slice(from - base, to - base);
      const covering = inside.filter((l) => l.start <= from && l.end >= to);
      if (!covering.length) {
        fragment.append(document.createTextNode(piece));
        continue;
      }
      const roles = [...new Set(covering.map((l) => l.role))];
      const mark = el("mark", {
        class: ["m", ...roles.map((r) => `m-${r}`)].join(" "),
        "data-start": from,
        "data-end": to,
      });
      for (const role of ["claimant", "cue", "content"]) {
        const claims = covering.filter((l) => l.role === role && l.claim).map((l) => l.claim);
        if (claims.length) mark.setAttribute(`data-${role}`, [...new Set(claims)].join(" "));
      }
      mark.textContent = piece;
      fragment.append(mark);
    }
    return fragment;
  }

  function claimLayers(claim) {
    const layers = [];
    if (claim.claimant && claim.claimant.span) {
      const [start, end] = claim.claimant.span;
      layers.push({ start, end, role: "claimant", claim: claim.id });
    }
    layers.push({ start: claim.cue.span[0], end: claim.cue.span[1], role: "cue", claim: claim.id });
    for (const [start, end] of claim.content.spans) {
      layers.push({ start, end, role: "content", claim: claim.id });
    }
    return layers;
  }

  // The search highlights mark matched words in HTML fragments. Rather than parse HTML
  // from the API, take the marked words out of them and mark them again in the sentence.
  // What the API escapes in a highlight (index/port.py escape_html), and &#39;.
  const ENTITIES = {
    "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#x27;": "'", "&#x2F;": "/",
  };

  function matchedTerms(highlights) {
    const terms = new Set();
    for (const fragments of Object.values(highlights || {})) {
      for (const fragment of fragments) {
        for (const found of fragment.matchAll(/<mark>(.*?)<\/mark>/gs)) {
          const term = found[1].replace(/&(amp|lt|gt|quot|#39|#x27|#x2F);/g, (e) => ENTITIES[e]).trim();
          if (term) terms.add(term.toLocaleLowerCase());
        }
      }
    }
    return [...terms];
  }

  function termLayers(sentence, base, terms) {
    if (!terms.length) return [];
    const escaped = terms
      .sort((a, b) => b.length - a.length)
      .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join("|")})(?![\\p{L}\\p{N}])`, "giu");
    return [...sentence.matchAll(pattern)].map((m) => ({
      start: base + m.index,
      end: base + m.index + m[0].length,
      role: "term",
    }));
  }

  // -- claims ---------------------------------------------------------------------------------

  function claimantLabel(claimant) {
    if (!claimant || claimant.type === "unattributed") return "No source named";
    return claimant.name || claimant.mention || "Unnamed source";
  }

  function claimMeta(claim) {
    const list = el("dl", { class: "claim-meta" });
    const row = (term, ...value) => list.append(el("div", {}, el("dt", {}, term), el("dd", {}, ...value)));
    const claimant = claim.claimant;
    const who = [claimantLabel(claimant)];
    // Say how the text named the claimant when it is not by name ("she", "the minister").
    if (claimant && claimant.mention && claimant.name && !claimant.mention.includes(claimant.name)) {
      who.push(` (as “${claimant.mention}”)`);
    }
    const roles = [claimant && claimant.role, claimant && claimant.organization].filter(Boolean);
    if (roles.length) who.push(`, ${roles.join(", ")}`);
    row("Claimant", ...who);
    row("Cue", `${claim.cue.text} (${claim.cue.class.replace("_", " ")})`);
    row("Quote", claim.content.quote_type);
    if (claim.medium) row("Where", claim.medium.text);
    const source = [claim.publisher, claim.published_at].filter(Boolean).join(", ");
    if (source) row("Published", source);
    return list;
  }

  // A claim reported in several articles (its cluster): how often, and since when.
  function clusterNote(claim) {
    const cluster = claim.cluster;
    if (!cluster || !(cluster.size > 1)) return null;
    const since = cluster.first_seen ? `first seen ${cluster.first_seen}` : "undated";
    return el("p", { class: "cluster-note" }, `Reported ${cluster.size} times · ${since}`);
  }

  function hitItem(hit, state) {
    const claim = hit.claim;
    const [base] = claim.sentence_span;
    const layers = [
      ...claimLayers(claim),
      ...termLayers(claim.sentence, base, matchedTerms(hit.highlights)),
    ];
    const item = el("li", { class: "hit", tabindex: "-1", "data-claim": claim.id });
    item.append(el("p", { class: "sentence" }, markedText(claim.sentence, base, layers)));
    item.append(claimMeta(claim));
    const note = clusterNote(claim);
    if (note) item.append(note);
    const links = el("p", { class: "hit-links" });
    const articleState = { ...state, article: claim.article_id, claim: claim.id };
    links.append(
      el("a", { href: pageUrl(articleState), "data-internal": "", class: "open-article" }, "Show in the article"),
    );
    if (claim.claimant && claim.claimant.id && state.claimant_id !== claim.claimant.id) {
      const more = el("button", { type: "button", class: "link-button" }, `All claims by ${claim.claimant.name}`);
      more.addEventListener("click", () =>
        applyFilters({ claimant: null, claimant_id: claim.claimant.id, claimant_name: claim.claimant.name }),
      );
      links.append(more);
    }
    item.append(links);
    return item;
  }

  // -- search view -------------------------------------------------------------------------

  let searchGeneration = 0;
  let nextCursor = null;
  let shownFacets = {};

  function applyFilters(changes) {
    const state = readState();
    delete state.article;
    delete state.claim;
    for (const [key, value] of Object.entries(changes)) {
      if (value) state[key] = value;
      else delete state[key];
    }
    return navigate(state);
  }

  function fillForm(state) {
    $("q").value = state.q || "";
    claimantBox.setValue(state.claimant_id ? state.claimant_name || "" : state.claimant || "", state.claimant_id);
    for (const key of ["quote_type", "cue_class", "published_from", "published_to"]) {
      $(key).value = state[key] || "";
    }
    $("match_all").checked = state.match === "all";
    $("collapse").checked = state.collapse === "cluster";
    const extra = ["quote_type", "cue_class", "published_from", "published_to", "match"].some((k) => state[k]);
    if (extra) $("more-filters").open = true;
  }

  function renderActiveFilters(state) {
    const list = $("active-filters");
    list.replaceChildren();
    for (const key of FILTER_KEYS) {
      if (!state[key] || key === "q") continue;
      let value = state[key];
      if (key === "claimant_id") value = state.claimant_name || value;
      if (key === "match") value = MATCH_LABELS[value] || value;
      const label = `${FILTER_LABELS[key]}: ${value}`;
      const remove = el("button", { type: "button", class: "chip-remove", "aria-label": `Remove filter ${label}` }, "×");
      remove.addEventListener("click", () => {
        const changes = { [key]: null };
        if (key === "claimant_id") changes.claimant_name = null;
        applyFilters(changes).then(() => $("results").focus());
      });
      list.append(el("li", { class: "chip" }, el("span", {}, label), remove));
    }
    show($("filters-bar"), list.children.length > 0);
  }

  function facetIsActive(state, name, value) {
    if (name === "claimant") return value.id ? state.claimant_id === value.id : state.claimant === value.value;
    return state[name] === value.value;
  }

  function renderFacets(state, facets, relaxed) {
    const groups = $("facet-groups");
    groups.replaceChildren();
    for (const [name, title] of FACETS) {
      const values = facets[name] || [];
      if (!values.length) continue;
      const list = el("ul", { class: "facet-values" });
      for (const value of values) {
        const active = facetIsActive(state, name, value);
        const button = el(
          "button",
          { type: "button", class: "facet", "aria-pressed": active ? "true" : "false", "data-facet": name },
          el("span", { class: "facet-value" }, value.value),
          " ",
          el("span", { class: "count" }, String(value.count), el("span", { class: "visually-hidden" }, value.count === 1 ? " claim" : " claims")),
        );
        button.addEventListener("click", () => {
          let changes;
          if (name === "claimant" && value.id) {
            changes = active
              ? { claimant_id: null, claimant_name: null }
              : { claimant: null, claimant_id: value.id, claimant_name: value.value };
          } else if (name === "claimant") {
            // A claimant value without an identity id: look it up by name instead.
            changes = { claimant: state.claimant === value.value ? null : value.value, claimant_id: null };
          } else {
            changes = { [name]: active ? null : value.value };
          }
          // A relaxed answer's counts are of claims holding any of the words, and the API
          // does not relax under a claimant filter (there, none is the answer): the claims
          // a claimant facet counts are asked for as they were counted.
          if (name === "claimant" && !active && relaxed && (state.match || "best") === "best") changes.match = "any";
          // Keep keyboard focus on the same facet after the list is redrawn.
          applyFilters(changes).then(() => focusFacet(name, value.value));
        });
        list.append(el("li", {}, button));
      }
      const headingId = `facet-${name}-heading`;
      groups.append(
        el("section", { class: "facet-group", "aria-labelledby": headingId }, el("h3", { id: headingId }, title), list),
      );
    }
    if (!groups.children.length) groups.append(el("p", { class: "hint" }, "Nothing to refine by."));
  }

  function focusFacet(name, value) {
    for (const button of document.querySelectorAll(`button.facet[data-facet="${name}"]`)) {
      if (button.querySelector(".facet-value").textContent === value) {
        button.focus();
        return;
      }
    }
    $("results").focus();
  }

  function describe(total, state) {
    // Collapsed, the API counts clusters: each repeated claim once.
    const noun = (state.collapse === "cluster" ? "distinct " : "") + (total === 1 ? "claim" : "claims");
    return state.q ? `${total} ${noun} match “${state.q}”` : `${total} ${noun}`;
  }

  function updateExportLink(state) {
    // Same filters as the search, minus paging: the export route streams every match.
    $("export-link").href = apiUrl("claims/export", searchParams(state, { collapse: false })).toString();
  }

  async function runSearch(state) {
    const generation = ++searchGeneration;
    const params = searchParams(state);
    const limit = Math.min(Math.max(parseInt(state.limit || PAGE_SIZE, 10) || PAGE_SIZE, 1), 100);
    params.set("limit", String(limit));
    $("results").setAttribute("aria-busy", "true");
    $("result-status").textContent = "Searching…";
    try {
      const body = await api("claims", params);
      if (generation !== searchGeneration) return; // a newer search has started
      showError(null);
      shownFacets = body.facets || {};
      renderFacets(state, shownFacets, Boolean(body.relaxed));
      const hits = $("hits");
      hits.replaceChildren(...body.hits.map((hit) => hitItem(hit, state)));
      nextCursor = body.next_cursor;
      show($("more"), Boolean(nextCursor));
      const suggested = body.claimant_suggestions || [];
      $("result-status").textContent = body.relaxed
        ? `No claim holds most of “${state.q}”: ${describe(body.total, { ...state, q: "" })} holding some of its words, best first`
        : body.total
          ? describe(body.total, state)
          : suggested.length
            ? `No claimant goes by “${state.claimant}”.`
            : "No claims match. Try fewer words or filters.";
      $("result-status").dataset.total = String(body.total);
      renderClaimantSuggestions(suggested);
    } catch (error) {
      if (generation !== searchGeneration) return;
      $("hits").replaceChildren();
      $("facet-groups").replaceChildren();
      show($("more"), false);
      $("result-status").textContent = "";
      renderClaimantSuggestions([]);
      showError(error);
    } finally {
      if (generation === searchGeneration) $("results").removeAttribute("aria-busy");
    }
  }

  // A claimant name no one goes by ("Bornstien"): the claimants the API found nearest to it,
  // each a button that searches that claimant's claims, as picking it from the list does.
  function renderClaimantSuggestions(suggested) {
    const box = $("claimant-suggestions");
    const buttons = suggested.map((claimant) => {
      const noun = claimant.claims === 1 ? "claim" : "claims";
      const button = el("button", { type: "button", class: "link-button" }, `${claimant.name} (${claimant.claims} ${noun})`);
      button.addEventListener("click", () =>
        applyFilters({ claimant: null, claimant_id: claimant.id, claimant_name: claimant.name }),
      );
      return button;
    });
    const list = buttons.flatMap((button, i) => (i ? [", ", button] : [button]));
    box.replaceChildren(...(buttons.length ? ["Did you mean ", ...list, "?"] : []));
    show(box, buttons.length > 0);
  }

  async function showMore() {
    const state = readState();
    if (!nextCursor) return;
    const params = searchParams(state);
    const limit = Math.min(Math.max(parseInt(state.limit || PAGE_SIZE, 10) || PAGE_SIZE, 1), 100);
    params.set("limit", String(limit));
    params.set("cursor", nextCursor);
    const button = $("more");
    button.disabled = true;
    const generation = searchGeneration;
    try {
      const body = await api("claims", params);
      if (generation !== searchGeneration) return;
      const items = body.hits.map((hit) => hitItem(hit, state));
      $("hits").append(...items);
      nextCursor = body.next_cursor;
      show(button, Boolean(nextCursor));
      // Move focus to the first new claim, so keyboard and screen reader users continue there.
      if (items.length) items[0].focus();
      else $("results").focus();
    } catch (error) {
      showError(error);
    } finally {
      button.disabled = false;
    }
  }

  // A link that names the claimant by id alone (`?claimant_id=`, as a partner app may write
  // it) gets the identity's name for its chip, its box and the page title, and keeps it in
  // the URL; an id no identity has leaves the search to say so.
  async function nameTheClaimant(state) {
    if (!state.claimant_id || state.claimant_name) return;
    let identity;
    try {
      identity = await api(`claimants/${encodeURIComponent(state.claimant_id)}`);
    } catch (error) {
      return;
    }
    if (readState().claimant_id !== state.claimant_id || !identity.name) return;
    state.claimant_name = identity.name;
    if (identity.id && identity.id !== state.claimant_id) {
      // An id merged into another identity (the API led to it): the page holds the one it
      // leads to, so that her facet shows as chosen and her hits offer no "All claims by".
      state.claimant_id = identity.id;
      navigate(state, { replace: true });
      return;
    }
    window.history.replaceState(null, "", pageUrl(state));
    renderActiveFilters(state);
    claimantBox.setValue(identity.name, state.claimant_id);
    document.title = `${state.q || identity.name}: claimsearch`;
  }

  function renderSearch(state) {
    show($("search-view"), true);
    show($("article-view"), false);
    document.title = state.q || state.claimant_name || state.claimant
      ? `${state.q || state.claimant_name || state.claimant}: claimsearch`
      : "claimsearch: who claimed what";
    fillForm(state);
    renderActiveFilters(state);
    updateExportLink(state);
    nameTheClaimant(state);
    return runSearch(state);
  }

  function submitSearch(event) {
    event.preventDefault();
    claimantBox.close();
    const state = readState();
    const changes = {
      q: $("q").value.trim(),
      match: $("match_all").checked ? "all" : null,
      collapse: $("collapse").checked ? "cluster" : null,
      quote_type: $("quote_type").value,
      cue_class: $("cue_class").value,
      published_from: $("published_from").value,
      published_to: $("published_to").value,
    };
    // A picked suggestion filters by identity; a typed name the API resolves itself.
    const picked = claimantBox.picked();
    const typed = $("claimant").value.trim();
    if (picked) Object.assign(changes, { claimant: null, claimant_id: picked.id, claimant_name: picked.name });
    else Object.assign(changes, { claimant: typed, claimant_id: null, claimant_name: null });
    for (const key of Object.keys(changes)) if (changes[key] === "") changes[key] = null;
    if (state.claimant_id && !picked && !typed) Object.assign(changes, { claimant_id: null, claimant_name: null });
    applyFilters(changes).then(() => $("results").focus());
  }

  // -- claimant combobox (WAI-ARIA APG: editable combobox with list autocomplete) -----------

  function makeCombobox(input, listbox, { fetchOptions, onPick }) {
    let options = [];
    let active = -1;
    let picked = null; // {id, name} while the input holds a picked suggestion
    let timer = null;
    let controller = null;

    function optionId(index) {
      return `${listbox.id}-${index}`;
    }

    function open() {
      if (!options.length) return;
      show(listbox, true);
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      show(listbox, false);
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function isOpen() {
      return !listbox.hidden;
    }

    function setActive(index) {
      active = index;
      for (const [i, option] of [...listbox.children].entries()) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      }
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", optionId(index));
        listbox.children[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function renderOptions(found) {
      options = found;
      listbox.replaceChildren(
        ...found.map((claimant, i) => {
          const others = claimant.aliases.filter((a) => a !== claimant.name);
          const option = el(
            "li",
            { role: "option", id: optionId(i), "aria-selected": "false", class: "option" },
            el("span", { class: "option-name" }, claimant.name),
            " ",
            el("span", { class: "option-count" }, `${claimant.claims} ${claimant.claims === 1 ? "claim" : "claims"}`),
            others.length ? el("span", { class: "option-aliases" }, `also “${others.slice(0, 3).join("”, “")}”`) : null,
          );
          // mousedown, not click: it comes before the input's blur closes the list.
          option.addEventListener("mousedown", (event) => {
            event.preventDefault();
            pick(i);
          });
          return option;
        }),
      );
      active = -1;
      if (found.length && document.activeElement === input) open();
      else close();
    }

    function pick(index) {
      const claimant = options[index];
      if (!claimant) return;
      input.value = claimant.name;
      picked = { id: claimant.id, name: claimant.name };
      close();
      onPick(picked);
    }

    function suggest() {
      const text = input.value.trim();
      if (controller) controller.abort();
      if (!text) {
        renderOptions([]);
        return;
      }
      controller = new AbortController();
      const signal = controller.signal;
      fetchOptions(text, signal)
        .then((found) => {
          if (!signal.aborted) renderOptions(found);
        })
        .catch((error) => {
          if (error.name !== "AbortError") {
            renderOptions([]);
            showError(error);
          }
        });
    }

    input.addEventListener("input", () => {
      picked = null; // the text no longer names the picked identity
      clearTimeout(timer);
      timer = setTimeout(suggest, SUGGEST_DELAY_MS);
    });

    input.addEventListener("keydown", (event) => {
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!isOpen()) {
            open();
            if (!event.altKey && options.length) setActive(0);
          } else if (options.length) {
            setActive((active + 1) % options.length);
          }
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!isOpen()) {
            open();
            if (options.length) setActive(options.length - 1);
          } else if (event.altKey) {
            close();
          } else if (options.length) {
            setActive(active <= 0 ? options.length - 1 : active - 1);
          }
          break;
        case "Enter":
          if (isOpen() && active >= 0) {
            event.preventDefault(); // pick, do not submit the form with half a name
            pick(active);
          }
          break;
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            picked = null;
            options = [];
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", () => close());
    input.addEventListener("focus", () => {
      if (options.length && !picked) open();
    });

    return {
      close,
      picked: () => (picked && input.value.trim() === picked.name ? picked : null),
      setValue(value, id) {
        input.value = value;
        picked = id ? { id, name: value } : null;
        options = [];
        listbox.replaceChildren();
        close();
      },
    };
  }

  const claimantBox = makeCombobox($("claimant"), $("claimant-options"), {
    fetchOptions: async (text, signal) => {
      const body = await api("claimants", new URLSearchParams({ q: text, limit: "10" }), signal);
      return body.claimants;
    },
    onPick: (picked) => {
      applyFilters({ claimant: null, claimant_id: picked.id, claimant_name: picked.name });
    },
  });

  // -- article view ------------------------------------------------------------------------

  function selectClaim(claimId, { scroll = true, focusList = false } = {}) {
    const text = $("article-text");
    for (const mark of text.querySelectorAll("mark.selected")) mark.classList.remove("selected");
    let first = null;
    for (const mark of text.querySelectorAll("mark")) {
      const ids = ["claimant", "cue", "content"].flatMap((r) => (mark.dataset[r] || "").split(" "));
      if (ids.includes(claimId)) {
        mark.classList.add("selected");
        first = first || mark;
      }
    }
    for (const button of $("article-claims").querySelectorAll("button")) {
      const selected = button.dataset.claim === claimId;
      button.setAttribute("aria-pressed", selected ? "true" : "false");
      if (selected && focusList) button.focus();
    }
    const claim = currentArticleClaims.find((c) => c.id === claimId);
    $("claim-detail").replaceChildren(
      ...(claim ? [el("h3", {}, "Selected claim"), claimMeta(claim)] : []),
    );
    if (first && scroll) {
      const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      first.scrollIntoView({ block: "center", behavior: still ? "auto" : "smooth" });
    }
  }

  let currentArticleClaims = [];
  let viewGeneration = 0; // counts renderings (`render`): an article's late answer checks it

  async function renderArticle(state, view) {
    // `view`: this rendering's number. An answer that comes back after another view was
    // shown (Back, or a second article opened before the first loaded) is dropped.
    const current = () => view === viewGeneration;
    show($("search-view"), false);
    show($("article-view"), true);
    const back = readState();
    delete back.article;
    delete back.claim;
    $("back-link").href = pageUrl(back);
    $("article-title").textContent = "Loading the article…";
    show($("article-error"), false);
    $("article-meta").textContent = "";
    $("article-text").replaceChildren();
    $("article-claims").replaceChildren();
    $("claim-detail").replaceChildren();
    try {
      const body = await api(`articles/${encodeURIComponent(state.article)}`);
      if (!current()) return;
      showError(null);
      show($("article-error"), false);
      const { article, claims } = body;
      currentArticleClaims = claims;
      document.title = `${article.title}: claimsearch`;
      $("article-title").textContent = article.title || "Untitled article";
      const meta = [article.publisher, article.published_at, article.byline].filter(Boolean);
      // Only web addresses become links: a javascript: or data: URL from an article must not.
      const original = /^https?:\/\//i.test(article.url || "")
        ? el("span", {}, meta.length ? " · " : "", el("a", { href: article.url, rel: "noopener noreferrer" }, "original"))
        : "";
      $("article-meta").replaceChildren(meta.join(" · "), original);
      const layers = claims.flatMap(claimLayers);
      $("article-text").replaceChildren(markedText(article.text, 0, layers));
      const ordered = [...claims].sort((a, b) => a.cue.span[0] - b.cue.span[0]);
      $("article-claims").replaceChildren(
        ...ordered.map((claim) => {
          const button = el(
            "button",
            { type: "button", class: "claim-button", "aria-pressed": "false", "data-claim": claim.id },
            el("span", { class: "claim-who" }, claimantLabel(claim.claimant)),
            " ",
            el("span", { class: "claim-cue" }, claim.cue.text),
            ": ",
            el("span", { class: "claim-what" }, claim.content.text),
          );
          button.addEventListener("click", () => {
            selectClaim(claim.id);
            window.history.replaceState(null, "", pageUrl({ ...readState(), claim: claim.id }));
          });
          return el("li", {}, button);
        }),
      );
      $("article-title").focus();
      if (state.claim && !claims.some((claim) => claim.id === state.claim)) {
        // A claim id an edit of the article replaced (a bookmark, a partner's link): the API
        // answers it with a redirect to the claim that took its place, in the same article.
        try {
          const now = await api(`claims/${encodeURIComponent(state.claim)}`);
          if (!current()) return;
          if (now.article_id === state.article && now.id !== state.claim) {
            state.claim = now.id;
            window.history.replaceState(null, "", pageUrl(state));
          }
        } catch (error) {
          // No claim leads on from it: the article is shown with none selected.
        }
      }
      if (state.claim) selectClaim(state.claim);
    } catch (error) {
      if ((error && error.name === "AbortError") || !current()) return;
      // The search's error box is hidden with the search view: this view says why itself.
      $("article-title").textContent = "The article could not be shown";
      $("article-error").textContent = error.message;
      show($("article-error"), true);
    }
  }

  // A click on a marked passage selects the claim it belongs to (the list does the same
  // for keyboard users).
  $("article-text").addEventListener("click", (event) => {
    const mark = event.target.closest("mark");
    if (!mark) return;
    const id = (mark.dataset.cue || mark.dataset.claimant || mark.dataset.content || "").split(" ")[0];
    if (id) selectClaim(id, { scroll: false, focusList: false });
  });

  // -- wiring -------------------------------------------------------------------------------

  function render() {
    const state = readState();
    const view = ++viewGeneration;
    showError(null);
    return state.article ? renderArticle(state, view) : renderSearch(state);
  }

  $("search-form").addEventListener("submit", submitSearch);
  $("more").addEventListener("click", showMore);
  $("clear-filters").addEventListener("click", () => {
    const state = readState();
    // Words and the one-per-repeated-claim view are not filters: they stay.
    const kept = {};
    for (const key of ["q", "collapse"]) if (state[key]) kept[key] = state[key];
    navigate(kept).then(() => $("results").focus());
  });

  // Links inside the page change the view without reloading it.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-internal], #back-link, #home-link");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    const url = new URL(link.href);
    window.history.pushState(null, "", url.search || url.pathname);
    render();
  });

  // With a key the export must go through fetch (a plain link cannot send the header).
  $("export-link").addEventListener("click", async (event) => {
    if (!apiKey()) return;
    event.preventDefault();
    try {
      const response = await fetch(event.currentTarget.href, { headers: { "x-api-key": apiKey() } });
      if (!response.ok) throw new ApiError(`The export failed: the API answered ${response.status}.`, response.status);
      const url = URL.createObjectURL(await response.blob());
      const save = el("a", { href: url, download: "claims.ndjson" });
      document.body.append(save);
      save.click();
      save.remove();
      URL.revokeObjectURL(url);
    } catch (error) {
      showError(error);
    }
  });

  $("api-key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    try {
      window.sessionStorage.setItem(KEY_STORAGE, $("api-key").value.trim());
    } catch {
      showError(new ApiError("This browser does not keep the key (storage is off).", 0));
      return;
    }
    render();
  });
  $("api-key").value = apiKey();

  window.addEventListener("popstate", render);
  render();
})();
