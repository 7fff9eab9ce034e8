/* 报库 search page: the Pagefind shards, loaded by Pagefind over http(s) and from script
   packs of the same files over file://. Rendering uses DOM APIs only. */
(function () {
  "use strict";

  var PAGE_SIZE = 20;
  var MAX_CHECKED = 200;
  var TYPE_DELAY_MS = 200;
  var FILTER_LISTS_IDLE_MS = 1500;
  var QUOTES = /["'“”‘’「」『』《》〈〉【】〔〕（）()[\]]/g;
  var CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var ASCII_TOKEN = /[a-z0-9]+(?:\.[0-9]+)*/g;
  var CJK_GAP = /(?<=[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’]) +(?=[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’])/g;

  var section = document.querySelector(".search-page");
  if (!section || section.dataset.enabled === "false") return;  // the page says why
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-input");
  var sortSelect = document.getElementById("search-sort");
  var status = document.getElementById("search-status");
  var results = document.getElementById("search-results");
  var filterSelects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var siteRoot = new URL(".", new URL(section.dataset.root, location.href));
  var bundleListUrl = new URL(section.dataset.bundles, location.href).href;
  var offlineIndexUrl = new URL(section.dataset.offline, location.href).href;

  /* ---------- shared helpers ---------- */

  function normalize(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  /* Split a query into ASCII tokens and CJK runs. */
  function queryUnits(query) {
    var text = normalize(query).replace(QUOTES, "");
    return {
      ascii: text.match(ASCII_TOKEN) || [],
      runs: text.match(CJK_RUN) || []
    };
  }

  function hasUnits(units) {
    return units.ascii.length + units.runs.length > 0;
  }

  function bigrams(run) {
    if (run.length === 1) return [run];
    var out = [];
    for (var i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
    return out;
  }

  function relativeTo(target) {
    var here = new URL(location.href);
    if (target.origin !== here.origin && here.protocol !== "file:") return target.href;
    var from = here.pathname.split("/").slice(0, -1);
    var to = target.pathname.split("/");
    var i = 0;
    while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
    var ups = from.slice(i).map(function () { return ".."; });
    return ups.concat(to.slice(i)).join("/") + target.search + target.hash;
  }

  /* Pagefind excerpts are escaped HTML with <mark>; keep only text and marks. */
  function segmentsFromHtml(html) {
    var doc = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    return Array.prototype.map.call(doc.body.childNodes, function (node) {
      return [node.textContent, node.nodeName === "MARK"];
    });
  }

  /* ---------- the Pagefind engine ---------- */

  /* pagefind/bundles.json names the bundles to merge, primary first. While a watch
     session's pending bundle holds changed issues, it also lists the pages whose results
     from the other bundles are out of date ("replaced"). */
  function loadBundleList() {
    return fetch(bundleListUrl, { cache: "no-store" }).then(function (response) {
      if (!response.ok) throw new Error("无法加载 " + bundleListUrl);
      return response.json();
    }).then(function (listing) {
      var names = listing.bundles || [];
      if (!names.length) throw new Error("没有检索索引");
      return {
        urls: names.map(function (name) { return new URL(name + "/", bundleListUrl).href; }),
        replaced: new Set((listing.replaced || []).map(function (file) {
          return new URL(file, siteRoot).href;
        }))
      };
    });
  }

  /* ``packed``: null when Pagefind loads its own files (http), else ``scriptPacks()``. */
  function pagefindEngine(packed) {
    var pf = null;
    var replaced = new Set();
    return {
      mode: packed ? "offline" : "pagefind",
      init: function () {
        return (packed ? packed.init() : Promise.resolve()).then(loadBundleList).then(function (list) {
          replaced = list.replaced;
          var script = list.urls[0] + "pagefind.js";
          return (packed ? packed.importModule(script) : import(script)).then(function (module) {
            pf = module;
            var options = { excerptLength: 36, baseUrl: siteRoot.pathname };
            if (packed) {  // pagefind.js runs from a blob: URL, and no worker runs from disk
              options.basePath = list.urls[0];
              options.noWorker = true;
            }
            return pf.options(options);
          }).then(function () {
            // All at once: each merge fetches its bundle's entry and metadata, so one
            // after the other would cost a round trip per bundle (dozens on a large
            // archive). Pagefind keeps the bundles in the order the calls are made.
            return Promise.all(list.urls.slice(1).map(function (bundle) {
              return pf.mergeIndex(bundle, { baseUrl: siteRoot.pathname });
            }));
          });
        });
      },
      /* Loads every bundle's filter files: asked for only after the first results. */
      facets: function () {
        return pf.filters().then(function (filters) {
          var facets = {};
          Object.keys(filters).forEach(function (name) {
            facets[name] = Object.keys(filters[name]).sort();
          });
          return facets;
        });
      },
      search: function (query, filters, sort) {
        var options = { filters: {} };
        Object.keys(filters).forEach(function (name) { options.filters[name] = [filters[name]]; });
        if (sort === "date") options.sort = { date: "desc" };
        var units = queryUnits(query);
        return candidates(pagefindQueries(units), options).then(function (found) {
          return keepMatching(found, units, sort === "date", replaced);
        });
      }
    };

    /* Pagefind takes one exact phrase per query, so a query of several parts is asked
       part by part, one after the other, and only pages found for every part are kept:
       in the first part's order when sorting by date (Pagefind's order), otherwise by
       their summed scores. */
    function candidates(queries, options) {
      if (queries.length < 2) {
        return pf.search(queries.length ? queries[0] : null, options).then(function (found) {
          return found.results;
        });
      }
      var answers = [];
      return queries.reduce(function (chain, q) {
        return chain.then(function () {
          return pf.search(q, options).then(function (found) { answers.push(found.results); });
        });
      }, Promise.resolve()).then(function () {
        return pagesInEvery(answers, !!options.sort);
      });
    }
  }

  function pagesInEvery(answers, keepOrder) {
    var scores = new Map();
    answers[0].forEach(function (r) { scores.set(r.id, r.score); });
    answers.slice(1).forEach(function (results) {
      var next = new Map();
      results.forEach(function (r) {
        if (scores.has(r.id)) next.set(r.id, scores.get(r.id) + r.score);
      });
      scores = next;
    });
    var kept = answers[0].filter(function (r) { return scores.has(r.id); });
    if (!keepOrder) kept.sort(function (a, b) { return scores.get(b.id) - scores.get(a.id); });
    return kept;
  }

  /* The index holds Chinese text as single characters (see baoku/search/pagefind.py),
     so the query is split the same way: both sides always agree on the words. Each
     Chinese run is an exact phrase: Pagefind then ranks only the pages holding its
     characters in that order, not every page holding each of them (100k articles:
     新华区 7,736 candidates instead of 34,612; Pagefind's search 1.4-4x faster). The
     index glues quotes to their character, so “五星”支部 still holds the phrase 五星支部,
     as it holds the pair 星支 for keepMatching. Latin words and numbers go together as
     plain words. No part at all: a filter-only search. */
  function pagefindQueries(units) {
    var queries = units.runs.map(function (run) {
      return run.length > 1 ? '"' + run.split("").join(" ") + '"' : run;
    });
    if (units.ascii.length) queries.push(units.ascii.join(" "));
    return queries.filter(function (q, i) { return queries.indexOf(q) === i; });
  }

  /* Undo the index's character spacing for display. */
  function joinCjk(text) {
    return text.replace(/\u200b/g, "").replace(CJK_GAP, "");
  }

  /* Pagefind ranks pages that match only some characters of a Chinese query (the
     browser and the index segment names differently), so keep only pages whose text
     holds every bigram and token of the query. */
  function keepMatching(candidates, units, byDate, replaced) {
    var kept = [];
    var checked = 0;
    var outdated = 0;
    function next() {
      // Merged bundles do not share one date order, so date sorting reads every
      // candidate (up to MAX_CHECKED) and sorts here.
      var enough = kept.length >= PAGE_SIZE && !byDate;
      if (enough || checked >= candidates.length || checked >= MAX_CHECKED) {
        if (byDate) kept.sort(function (a, b) { return a.date < b.date ? 1 : a.date > b.date ? -1 : 0; });
        if (!hasUnits(units)) {
          return { total: candidates.length - outdated, hits: kept.slice(0, PAGE_SIZE) };
        }
        var more = checked < candidates.length;
        return { total: kept.length, more: more, hits: kept.slice(0, PAGE_SIZE) };
      }
      var batch = candidates.slice(checked, checked + PAGE_SIZE);
      checked += batch.length;
      return Promise.all(batch.map(function (r) { return r.data(); })).then(function (data) {
        data.forEach(function (d) {
          if (isOutdated(d, replaced)) outdated++;
          else if (containsAll(d.content || "", units)) kept.push(pagefindHit(d, units));
        });
        return next();
      });
    }
    return Promise.resolve().then(next);
  }

  /* A shard's copy of a page a pending bundle has replaced (or that is gone). */
  function isOutdated(data, replaced) {
    if (!replaced.size || (data.meta && data.meta.pending)) return false;
    return replaced.has(new URL(data.url, location.href).href);
  }

  function containsAll(text, units) {
    var flat = normalize(text).replace(QUOTES, "").replace(/\s+/g, "");
    var needles = units.ascii.slice();
    units.runs.forEach(function (r) { needles = needles.concat(bigrams(r)); });
    return needles.every(function (n) { return flat.indexOf(n) !== -1; });
  }

  function pagefindHit(data, units) {
    // Every bundle was given the site root as its base URL, so URLs are root-relative.
    var target = new URL(data.url, location.href);
    var meta = data.meta || {};
    return {
      href: relativeTo(target),
      title: meta.title || target.pathname,
      date: meta.date || "",
      paper: meta.paper || "",
      issue: meta.issue || "",
      excerpt: hasUnits(units) ? excerptSegments(joinCjk(data.content || ""), units)
        : segmentsFromHtml(joinCjk(data.excerpt || ""))
    };
  }

  /* ---------- Pagefind from script packs (file://) ---------- */

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement("script");
      el.src = src;
      el.onload = function () { resolve(); };
      el.onerror = function () { reject(new Error("无法加载 " + src)); };
      document.head.appendChild(el);
    });
  }

  /* A page opened from disk may not fetch() files or import modules, but may run plain
     scripts. So the build also writes every Pagefind file, base64, into script packs
     (baoku/search/offline.py), and this answers Pagefind's requests from them: search
     from disk is the same engine, index and ranking as over http. */
  function scriptPacks() {
    var listing = null;
    var packs = {};
    var loaded = {};
    var bundleRoot = new URL(".", bundleListUrl).href;
    var packRoot = new URL(".", offlineIndexUrl);
    window.baokuOfflineIndex = function (data) { listing = data; };
    window.baokuOfflinePack = function (bundle, name, files) { loaded[bundle + "/" + name] = files; };

    /* The pack holding a bundle's file: the same FNV-1a hash as offline.py. */
    function packOf(file, count) {
      if (file.indexOf("/") === -1) return "core";
      var hash = 0x811c9dc5;
      new TextEncoder().encode(file).forEach(function (byte) {
        hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
      });
      return "p" + (hash % count);
    }

    function loadPack(bundle, name) {
      var key = bundle + "/" + name;
      if (!packs[key]) {
        packs[key] = loadScript(new URL(key + ".js", packRoot).href).then(function () {
          return loaded[key] || {};
        });
      }
      return packs[key];
    }

    function bytesOf(base64) {
      var text = atob(base64);
      var bytes = new Uint8Array(text.length);
      for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      return bytes;
    }

    function typeOf(file) {
      if (/\.js$/.test(file)) return "text/javascript";
      return /\.json$/.test(file) ? "application/json" : "application/octet-stream";
    }

    function serve(path) {
      if (path === bundleListUrl) {
        return Promise.resolve(new Response(JSON.stringify(listing),
          { headers: { "Content-Type": "application/json" } }));
      }
      var rest = path.slice(bundleRoot.length);
      var slash = rest.indexOf("/");
      var bundle = decodeURIComponent(rest.slice(0, slash));
      var file = decodeURIComponent(rest.slice(slash + 1));
      var count = slash > 0 && listing.packs[bundle];
      if (!count) return Promise.resolve(new Response("", { status: 404 }));
      return loadPack(bundle, packOf(file, count)).then(function (files) {
        if (!Object.prototype.hasOwnProperty.call(files, file)) return new Response("", { status: 404 });
        return new Response(bytesOf(files[file]), { headers: { "Content-Type": typeOf(file) } });
      });
    }

    function install() {
      var realFetch = window.fetch;
      window.fetch = function (input, init) {
        var url = new URL(input instanceof Request ? input.url : String(input), location.href);
        url.search = "";
        url.hash = "";
        if (url.href === bundleListUrl || url.href.indexOf(bundleRoot) === 0) return serve(url.href);
        return realFetch.call(window, input, init);
      };
    }

    return {
      init: function () {
        return loadScript(offlineIndexUrl).then(function () {
          if (!listing || !listing.bundles || !listing.packs) throw new Error("离线检索索引格式不对");
          install();
        });
      },
      importModule: function (url) {
        return fetch(url).then(function (response) {
          if (!response.ok) throw new Error("无法加载 " + url);
          return response.text();
        }).then(function (source) {
          return import(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
        });
      }
    };
  }

  /* A window of the article text around the first match, matches marked. */
  function excerptSegments(text, units) {
    text = text.replace(/\s+/g, " ");
    var needles = units.ascii.concat(units.runs);
    units.runs.forEach(function (r) { needles = needles.concat(bigrams(r)); });
    needles = needles.filter(function (n, i) { return n && needles.indexOf(n) === i; })
      .sort(function (a, b) { return b.length - a.length; });
    if (!needles.length) return [[text.slice(0, 90) + (text.length > 90 ? "…" : ""), false]];
    var pattern = new RegExp(needles.map(escapeRegExp).join("|"), "gi");
    var first = text.search(pattern);
    var start = Math.max(0, first - 30);
    var windowText = (start > 0 ? "…" : "") + text.slice(start, start + 100) +
      (start + 100 < text.length ? "…" : "");
    var segments = [];
    var last = 0;
    windowText.replace(pattern, function (match, offset) {
      if (offset > last) segments.push([windowText.slice(last, offset), false]);
      segments.push([match, true]);
      last = offset + match.length;
      return match;
    });
    if (last < windowText.length) segments.push([windowText.slice(last), false]);
    return segments;
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* ---------- page state, URL and rendering ---------- */

  var engine = pagefindEngine(location.protocol === "file:" ? scriptPacks() : null);
  var ready = null;
  var sequence = 0;
  var timer = 0;

  function currentFilters() {
    var filters = {};
    filterSelects.forEach(function (select) {
      if (select.value) filters[select.dataset.filter] = select.value;
    });
    return filters;
  }

  function syncUrl() {
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    filterSelects.forEach(function (s) { if (s.value) params.set(s.name, s.value); });
    if (sortSelect.value) params.set("sort", sortSelect.value);
    var query = params.toString();
    try {
      history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
    } catch (e) {
      /* some file:// setups refuse replaceState; searching still works */
    }
  }

  function readUrl() {
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    filterSelects.forEach(function (s) { setSelect(s, params.get(s.name) || ""); });
    setSelect(sortSelect, params.get("sort") || "");
  }

  function setSelect(select, value) {
    if (value && !Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      select.appendChild(new Option(value, value));
    }
    select.value = value;
  }

  function fillFilters(facets) {
    filterSelects.forEach(function (select) {
      var chosen = select.value;
      (facets[select.dataset.filter] || []).forEach(function (value) {
        if (value !== chosen) select.appendChild(new Option(value, value));
      });
      select.value = chosen;
    });
    form.dataset.filters = "ready";  // the lists are complete
  }

  function setState(state, message, query) {
    results.dataset.state = state;
    results.dataset.query = query || "";
    results.dataset.mode = engine.mode;
    status.textContent = message;
  }

  function render(found, query) {
    var list = document.createElement("ol");
    list.className = "search-hits";
    found.hits.forEach(function (hit) { list.appendChild(hitElement(hit)); });
    results.replaceChildren(list);
    var count = found.more ? "至少 " + found.total : String(found.total);
    var shown = found.total > found.hits.length ? "，显示前 " + found.hits.length + " 篇" : "";
    var where = engine.mode === "offline" ? "（离线检索）" : "";
    setState("done", "找到 " + count + " 篇文章" + shown + where, query);
  }

  function hitElement(hit) {
    var item = document.createElement("li");
    item.className = "search-hit";
    var heading = document.createElement("h2");
    var link = document.createElement("a");
    link.href = hit.href;
    link.textContent = hit.title;
    heading.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "search-hit-meta";
    // The issue label already names the paper (and the date as the site words it).
    meta.textContent = [hit.date || "日期不详", hit.issue].filter(Boolean).join(" · ");
    var excerpt = document.createElement("p");
    excerpt.className = "search-hit-excerpt";
    hit.excerpt.forEach(function (seg) {
      if (seg[1]) {
        var mark = document.createElement("mark");
        mark.textContent = seg[0];
        excerpt.appendChild(mark);
      } else {
        excerpt.appendChild(document.createTextNode(seg[0]));
      }
    });
    item.append(heading, meta, excerpt);
    return item;
  }

  function run() {
    var query = input.value.trim();
    var filters = currentFilters();
    var sort = sortSelect.value;
    var mine = ++sequence;
    syncUrl();
    if (!query && !Object.keys(filters).length) {
      results.replaceChildren();
      setState("empty", "请输入检索词，或选择筛选条件。", "");
      return Promise.resolve();
    }
    results.setAttribute("aria-busy", "true");
    clearTimeout(filterTimer);  // not while this search runs
    return ready.then(function () {
      return engine.search(query, filters, sort);
    }).then(function (found) {
      if (mine !== sequence) return;
      results.removeAttribute("aria-busy");
      if (!found.total) {
        results.replaceChildren();
        var what = query ? "“" + query + "”" : "所选条件";
        setState("none", "没有找到与" + what + "相关的文章。", query);
      } else {
        render(found, query);
      }
      loadFilterListsWhenIdle();
    }).catch(function (error) {
      if (mine !== sequence) return;
      results.removeAttribute("aria-busy");
      setState("error", "检索出错：" + error.message, query);
    });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, TYPE_DELAY_MS);
  }

  /* If Pagefind cannot load its files over http, the script packs of the same bundles
     serve. */
  function start() {
    return engine.init().catch(function (error) {
      if (engine.mode !== "pagefind") throw error;
      engine = pagefindEngine(scriptPacks());
      return engine.init();
    });
  }

  readUrl();
  ready = start();
  ready.catch(function (error) {
    setState("error", "检索索引加载失败：" + error.message, input.value.trim());
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  input.addEventListener("input", schedule);
  filterSelects.concat([sortSelect]).forEach(function (s) { s.addEventListener("change", run); });
  // The filter lists wait until the reader touches a filter or the page has been idle
  // for a moment after results: with Pagefind they mean fetching and decoding every
  // bundle's filter files, which the search itself does not need, and a search asked
  // while they load waits for them (100k articles, 70 bundles: the next search took
  // 8-20 s instead of 4 s).
  var filterLists = null;
  var filterTimer = null;
  function loadFilterLists() {
    clearTimeout(filterTimer);
    if (!filterLists) {
      filterLists = ready.then(function () { return engine.facets(); }).then(fillFilters)
        .catch(function () { /* searching works without the filter lists */ });
    }
    return filterLists;
  }
  function loadFilterListsWhenIdle() {
    clearTimeout(filterTimer);
    if (!filterLists) filterTimer = setTimeout(loadFilterLists, FILTER_LISTS_IDLE_MS);
  }
  filterSelects.forEach(function (select) {
    select.addEventListener("focus", loadFilterLists);
    select.addEventListener("pointerdown", loadFilterLists);
  });
  ready.then(run).then(loadFilterListsWhenIdle, loadFilterListsWhenIdle);
})();
