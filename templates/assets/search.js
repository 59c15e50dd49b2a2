// The search page: runs Pagefind on what the form holds, and keeps the form's state in the address so
// that a search can be linked to. Results are built as DOM nodes from plain text, never from HTML.

const form = document.getElementById("search-form");
const statusLine = document.getElementById("search-status");
const PAGE_SIZE = 20;
const FILTERS = ["type", "tag", "origin", "classification", "year"];
const OTHER_KINDS = ["Thread", "Person", "Organization", "Glossary term"];

let pagefind = null;
let current = 0; // a newer search makes older ones stop rendering

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

async function loadPagefind() {
  const bundle = new URL(form.dataset.pagefind, document.baseURI).href;
  const module = await import(bundle);
  // Result URLs start from the site's own path, so that a site under /REPO/ links inside itself.
  const baseUrl = new URL(form.dataset.root, document.baseURI).pathname;
  await module.options({ baseUrl });
  await module.init();
  // A large collection is indexed in shards (by year); each is merged into the main index, all at once.
  const shards = (form.dataset.shards || "").split(" ").filter(Boolean);
  await Promise.all(shards.map((s) => module.mergeIndex(new URL(s, document.baseURI).pathname, { baseUrl })));
  return module;
}

// Every filter's values (a file per filter and shard) are fetched only once the reader opens the filters
// or arrives with some ticked: until then each count stays the build's total, and the first search does
// not wait for them.
let filtersLoaded = false;
async function loadFilters() {
  if (filtersLoaded) return;
  await pagefind.filters();
  filtersLoaded = true;
}

function readForm() {
  const data = new FormData(form);
  const filters = {};
  for (const name of FILTERS) {
    const values = data.getAll(name);
    if (values.length) filters[name] = values;
  }
  return { q: (data.get("q") || "").trim(), sort: data.get("sort") || "", filters };
}

function writeAddress() {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(form)) if (value) params.append(key, value);
  const query = params.toString();
  history.replaceState(null, "", query ? `?${query}` : location.pathname);
}

function restoreForm() {
  const params = new URLSearchParams(location.search);
  form.elements.q.value = params.get("q") || "";
  form.elements.sort.value = params.get("sort") || "";
  for (const box of form.querySelectorAll("input[type=checkbox]")) {
    box.checked = params.getAll(box.name).includes(box.value);
    // show what narrows the results: the group and the folded filters around it
    for (let d = box.closest("details"); box.checked && d; d = d.parentElement.closest("details")) d.open = true;
  }
}

// --- where in the page the hits are -------------------------------------------------------------

// The places a result may link to, in order of preference when two hold as many hits.
const TARGETS = [
  [/^p[0-9uc][0-9a-z-]*$/, "div", (a) => `¶${a.id.slice(1)}`],
  [/^n\d+$/, "li", (a) => `note ${a.id.slice(1)}`],
  [/^headnote$/, "section", () => "headnote"],
  [/^link-\d+$/, "section", (a) => `link ${a.id.slice(5)}`],
  [/.+/, "dt", (a) => a.text],
];

function target(anchor) {
  return TARGETS.findIndex(([pattern, element]) => anchor.element === element && pattern.test(anchor.id));
}

function targetLabel(anchor) {
  const k = target(anchor);
  return k < 0 ? null : TARGETS[k][2](anchor);
}

// The paragraph (or note, entry, link) holding the most hits, and the first hit in it.
function locate(data) {
  const anchors = data.anchors
    .filter((a) => targetLabel(a) !== null)
    .sort((a, b) => a.location - b.location);
  const byAnchor = new Map();
  for (const loc of data.locations) {
    let owner = null;
    for (const a of anchors) {
      if (a.location <= loc) owner = a;
      else break;
    }
    const key = owner ? owner.id : "";
    if (!byAnchor.has(key)) byAnchor.set(key, { anchor: owner, hits: [] });
    byAnchor.get(key).hits.push(loc);
  }
  const rank = (entry) => (entry.anchor ? target(entry.anchor) : TARGETS.length);
  let best = null;
  for (const entry of byAnchor.values()) {
    if (!best || entry.hits.length > best.hits.length
        || (entry.hits.length === best.hits.length && rank(entry) < rank(best))) best = entry;
  }
  return best || { anchor: null, hits: data.locations.slice(0, 1) };
}

// A window of words around the first hit, with every hit in it marked.
function excerpt(data, hits) {
  const words = data.content.split(/\s+/);
  const first = hits.length ? hits[0] : 0;
  const start = Math.max(0, first - 12);
  const end = Math.min(words.length, start + 40);
  const marked = new Set(data.locations);
  const p = el("p", { class: "excerpt" });
  if (start > 0) p.append("… ");
  for (let i = start; i < end; i++) {
    if (i > start) p.append(" ");
    p.append(marked.has(i) ? el("mark", {}, words[i]) : words[i]);
  }
  if (end < words.length) p.append(" …");
  return p;
}

// --- rendering ----------------------------------------------------------------------------------

function cableItem(data, place) {
  const meta = data.meta;
  const href = place.anchor ? `${data.url}#${place.anchor.id}` : data.url;
  const link = el("a", { href }, el("span", { class: "id" }, meta.id || ""), " ", meta.title || "");
  const facts = [meta.date || "undated", meta.origin, meta.classification].filter(Boolean);
  if (place.anchor) facts.push(targetLabel(place.anchor));
  return el("li", { class: "result" }, el("h3", {}, link), el("p", { class: "result-meta" }, facts.join(" · ")),
    excerpt(data, place.hits));
}

function otherItem(data, place) {
  const href = place.anchor ? `${data.url}#${place.anchor.id}` : data.url;
  const kind = (data.filters.type || [""])[0];
  // An entry of the people, organisations or glossary is titled by its name, its page named beside it.
  const entry = place.anchor && place.anchor.element === "dt";
  const where = place.anchor && !entry ? `: ${targetLabel(place.anchor)}` : entry ? ` (${data.meta.title})` : "";
  const title = entry ? place.anchor.text : data.meta.title || data.url;
  return el("li", { class: "result" }, el("h3", {}, el("a", { href }, title)),
    el("p", { class: "result-meta" }, `${kind}${where}`), excerpt(data, place.hits));
}

async function showGroup(section, results, build, token) {
  const list = section.querySelector(".result-list");
  const more = section.querySelector(".more");
  list.replaceChildren();
  section.hidden = results.length === 0;
  let shown = 0;
  async function page() {
    const slice = results.slice(shown, shown + PAGE_SIZE);
    // The first few are shown as soon as their fragments arrive; the rest of the page follows.
    const loading = slice.map((r) => r.data());
    for (const part of [loading.slice(0, 4), loading.slice(4)]) {
      const datas = await Promise.all(part);
      if (token !== current) return;
      for (const data of datas) list.append(build(data, locate(data)));
    }
    shown += slice.length;
    more.hidden = shown >= results.length;
  }
  more.onclick = async () => {
    const first = shown;
    await page();
    list.children[first]?.querySelector("a")?.focus();
  };
  await page();
}

// Each filter value's count becomes the number of results it would leave.
function updateCounts(cables, others) {
  if (!filtersLoaded) return;
  const counts = { ...(cables ? cables.filters : {}) };
  counts.type = { ...((others && others.filters.type) || {}), Cable: cables ? cables.results.length : 0 };
  for (const span of form.querySelectorAll(".count")) {
    const group = counts[span.dataset.filter] || {};
    span.textContent = `(${group[span.dataset.value] || 0})`;
  }
}

// With `countsOnly` the search is run again only to fill in the filters' counts; the results stay as they are.
async function run(countsOnly = false) {
  const token = countsOnly ? current : ++current;
  const { q, sort, filters } = readForm();
  const kinds = filters.type || [];
  const wantCables = kinds.length === 0 || kinds.includes("Cable");
  const otherKinds = (kinds.length ? kinds : OTHER_KINDS).filter((k) => k !== "Cable");
  const cableFacets = Object.keys(filters).some((k) => k !== "type");
  if (!q && !cableFacets && !kinds.length) {
    if (countsOnly) return;
    statusLine.textContent = "Type words to find, or tick a filter.";
    for (const id of ["cable-results", "other-results"]) document.getElementById(id).hidden = true;
    return;
  }
  if (!countsOnly) statusLine.textContent = "Searching…";
  const order = sort === "date-asc" ? { oldest: "asc" } : sort === "date-desc" || !q ? { newest: "desc" } : undefined;
  const cableFilters = { ...filters, type: { any: ["Cable"] } };
  for (const name of FILTERS) if (name !== "type" && filters[name]) cableFilters[name] = { any: filters[name] };
  const [cables, others] = await Promise.all([
    wantCables ? pagefind.search(q || null, { filters: cableFilters, ...(order ? { sort: order } : {}) }) : null,
    // Filters other than the kind concern cables only: with them, the other pages cannot match.
    otherKinds.length && !cableFacets ? pagefind.search(q || null, { filters: { type: { any: otherKinds } } }) : null,
  ]);
  if (token !== current) return;
  if (countsOnly) return updateCounts(cables, others);
  const cableResults = cables ? cables.results : [];
  const otherResults = others ? others.results : [];
  updateCounts(cables, others);
  const words = q ? ` for “${q}”` : "";
  statusLine.textContent = `${cableResults.length} cable${cableResults.length === 1 ? "" : "s"} and ` +
    `${otherResults.length} other page${otherResults.length === 1 ? "" : "s"}${words}.`;
  await Promise.all([
    showGroup(document.getElementById("cable-results"), cableResults, cableItem, token),
    showGroup(document.getElementById("other-results"), otherResults, otherItem, token),
  ]);
}

let timer = null;
function later() {
  clearTimeout(timer);
  timer = setTimeout(() => { writeAddress(); run(); }, 150);
}

async function start() {
  restoreForm();
  try {
    pagefind = await loadPagefind();
  } catch (error) {
    statusLine.textContent = "The search index could not be loaded, so search does not work here; the indexes " +
      "(TAGS, origins, chronology) list every cable.";
    return;
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); writeAddress(); run(); });
  form.addEventListener("change", later);
  form.elements.q.addEventListener("input", later);
  const panel = form.querySelector("details.filters");
  if (!panel || panel.open || form.querySelector("input[type=checkbox]:checked")) await loadFilters();
  else panel.addEventListener("toggle", () => loadFilters().then(() => run(true)), { once: true });
  await run();
}

if (form) start();
