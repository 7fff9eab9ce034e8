/* 报库 search page: the Pagefind shards, loaded by Pagefind over http(s) and from script
   packs of the same files over file://. Rendering uses DOM APIs only. */
(function () {
  "use strict";

  var PAGE_SIZE = 20;
  // A first page of results is shown as soon as its first few are in (about a screenful;
  // a browser asks an HTTP/1 server for six files at a time, and each result is a file),
  // the rest of the page as they come.
  var FIRST_SHOWN = 5;
  var TYPE_DELAY_MS = 200;
  var FILTER_LISTS_IDLE_MS = 1500;
  var QUOTES = /["'“”‘’「」『』《》〈〉【】〔〕（）()[\]]/g;
  var CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var ASCII_TOKEN = /[a-z0-9]+(?:\.[0-9]+)*/g;
  // Chinese characters and punctuation (as the clean stage counts them): no space is
  // printed next to one.
  var WIDE = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’…—·《》";
  var WIDE_GAP = new RegExp("[ \\t\\n]+(?=[" + WIDE + "])|(?<=[" + WIDE + "])[ \\t\\n]+", "g");
  var SHARD_FILTER = "分片";  // hidden: the bundle a page is in (sorting by date)
  var YEAR_FILTER = "年份";
  // Bundles are merged newest first, as a search needs them: the first ones until they
  // hold this many pages (the newest bundle alone, unless it is a small start of a year:
  // a bundle of the newest year holds up to 500), then each time four times as many
  // pages as are merged (see tierEnds). A first search then reads one bundle or a few,
  // not every year of the archive, and each merge costs two round trips before it.
  var FIRST_TIER_PAGES = 400;
  var SINGLE_CJK = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$/;
  // Second characters for loadPrefix: where Extension A starts, 64 steps across the
  // Unified Ideographs, and the last Compatibility Ideograph (in code point order).
  var PREFIX_PROBES = (function () {
    var points = [0x3400];
    for (var k = 0; k <= 64; k++) points.push(0x4e00 + Math.floor(k * (0x9fff - 0x4e00) / 64));
    points.push(0xfaff);
    return points.map(function (p) { return String.fromCharCode(p); });
  })();
  var TIER_GROWTH = 4;

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

  /* Traditional characters fold to simplified (static/ts-fold.js, from OpenCC's
     table), as the index does: 梁園區 finds 梁园区. */
  var FOLD = (function (pairs) {
    var map = new Map();
    var chars = Array.from(pairs || "");
    for (var i = 0; i + 1 < chars.length; i += 2) map.set(chars[i], chars[i + 1]);
    return map;
  })(window.baokuFoldPairs);

  function fold(text) {
    var out = "";
    for (var ch of text) out += FOLD.get(ch) || ch;
    return out;
  }

  function normalize(text) {
    return fold(text.normalize("NFKC").toLowerCase());
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

  /* ---------- the Pagefind engine ---------- */

  /* pagefind/bundles.json names the bundles to merge, primary first, newest year first.
     While a watch session's pending bundle holds changed issues, it is named
     ("pending") and the pages whose results from the other bundles are out of date are
     listed ("replaced"). */
  function loadBundleList() {
    return askBundleList().then(function (response) {
      if (!response.ok) throw new Error("无法加载 " + bundleListUrl);
      return response.json();
    }).then(function (listing) {
      var names = listing.bundles || [];
      if (!names.length) throw new Error("没有检索索引");
      return {
        names: names,
        pending: listing.pending || "",
        urls: names.map(function (name) { return new URL(name + "/", bundleListUrl).href; }),
        pages: names.map(function (name) { return (listing.pages || {})[name]; }),
        meta: listing.meta || {},
        wasm: listing.wasm || "",
        replaced: new Set((listing.replaced || []).map(function (file) {
          return new URL(file, siteRoot).href;
        }))
      };
    });
  }

  /* Files asked for before Pagefind asks for them. Pagefind opens a bundle one request
     after the other (entry, then metadata and WebAssembly), and a merge only once the
     first bundle is open; asked for together as soon as the bundle list names them,
     they arrive in one round trip. ``install`` makes the page's fetch answer each from
     its early request, once (Pagefind adds ``?ts=`` to the entry's address, which is
     ignored); everything else is fetched as before. */
  function earlyFiles() {
    var asked = new Set();
    var waiting = new Map();
    var fetchNow = null;
    function key(input) {
      var url = new URL(input instanceof Request ? input.url : String(input), location.href);
      url.search = "";
      url.hash = "";
      return url.href;
    }
    return {
      install: function () {
        if (fetchNow) return;
        fetchNow = window.fetch;
        window.fetch = function (input, init) {
          var early = waiting.get(key(input));
          if (early) {
            waiting.delete(key(input));
            return early;
          }
          return fetchNow.call(window, input, init);
        };
      },
      ask: function (urls) {
        urls.forEach(function (url) {
          if (!fetchNow || asked.has(url)) return;
          asked.add(url);
          // Pagefind asks for an entry with ?ts=, never from the browser's cache: it names
          // the metadata file, which a rebuild renames. The others go as Pagefind's would.
          var fresh = /\/pagefind-entry\.json$/.test(url) ? { cache: "no-store" } : undefined;
          var response = fetchNow.call(window, url, fresh);
          response.catch(function () { /* Pagefind sees the failure when it asks */ });
          waiting.set(url, response);
        });
      }
    };
  }

  /* The bundle list as search.html asked for it while the page loaded (over http), or
     asked for now (search.html's request then is not made). */
  function askBundleList() {
    var asked = window.baokuBundleList;
    window.baokuBundleList = null;
    return Promise.resolve(asked).then(function (response) {
      return response || fetch(bundleListUrl, { cache: "no-store" });
    });
  }

  /* ``packed``: null when Pagefind loads its own files (http), else ``scriptPacks()``. */
  function pagefindEngine(packed) {
    var early = earlyFiles();
    var pf = null;
    var bundles = null;
    var merged = [];  // by bundle: merged into Pagefind yet (the primary is loaded first)
    var merging = Promise.resolve();
    var ends = [];  // tierEnds of the bundle list
    return {
      mode: packed ? "offline" : "pagefind",
      init: function () {
        return (packed ? packed.init() : Promise.resolve()).then(loadBundleList).then(function (list) {
          bundles = list;
          ends = tierEnds(list.pages);
          early.install();
          // Pagefind's script first: over HTTP/1 a browser asks for six files at a time,
          // and the others wait for it (the first bundle's entry, metadata and
          // WebAssembly next; a merged bundle's files are needed only once those are in).
          var script = list.urls[0] + "pagefind.js";
          var imported = packed ? packed.importModule(script) : import(script);
          early.ask(openingFilesOf(range(ends[0])));
          return imported.then(function (module) {
            pf = module;
            // Pagefind runs on the page, not in its worker: its requests then go through
            // this page's fetch, which answers those asked for early (see earlyFiles),
            // and no worker script is loaded before the first results.
            var options = { excerptLength: 36, baseUrl: siteRoot.pathname, noWorker: true };
            if (packed) options.basePath = list.urls[0];  // pagefind.js runs from a blob: URL
            return pf.options(options);
          }).then(function () {
            return startWithoutSegmenter(pf);
          }).then(function () {
            merged = list.names.map(function (name, i) { return i === 0; });
            return merge(range(ends[0]));
          });
        });
      },
      /* Every bundle's filter values, asked for only after the first results: a second
         Pagefind instance merges every bundle and loads their filter files, so the
         searches' own instance keeps only the bundles they needed (100,000 articles: a
         search over every bundle takes seconds). */
      facets: function () {
        var options = { baseUrl: siteRoot.pathname, basePath: bundles.urls[0] };
        if (packed) options.noWorker = true;
        var lists = pf.createInstance(options);
        return Promise.all(bundles.urls.slice(1).map(function (bundle) {
          return lists.mergeIndex(bundle, { baseUrl: siteRoot.pathname });
        })).then(function () {
          return lists.filters();
        }).then(function (filters) {
          var facets = {};
          Object.keys(filters).forEach(function (name) {
            facets[name] = Object.keys(filters[name]).sort();
          });
          return facets;
        });
      },
      /* A cursor over every match: ``total`` (exact once ``done``), ``next(n)``,
         ``partial`` while older bundles are still to be searched (``pages``: how many
         pages the merged bundles hold). */
      search: function (query, filters, sort) {
        var units = queryUnits(query);
        var queries = pagefindQueries(units);
        var options = { filters: filterOptions(filters) };
        var carry = { read: new Set(), pending: null, finished: 0 };
        return tieredCursor(scopeOf(filters), function (final, delivered) {
          return candidates(queries, options).then(function (found) {
            if (sort !== "date") return verifiedCursor(found.results, units, delivered);
            return dateCursor(found, queries, options.filters, units, carry, final);
          });
        });
      }
    };

    /* What Pagefind reads to open the bundles at ``indexes``, one file after the other
       (each bundle's entry, then the metadata the entry names; the first bundle also the
       WebAssembly), as far as the bundle list names them. */
    function openingFilesOf(indexes) {
      var files = [];
      indexes.forEach(function (i) {
        var url = bundles.urls[i];
        var meta = bundles.meta[bundles.names[i]];
        files.push(url + "pagefind-entry.json");
        if (meta) files.push(url + meta);
        if (i === 0 && bundles.wasm) files.push(url + bundles.wasm);
      });
      return files;
    }

    function range(count) {
      var out = [];
      for (var i = 0; i < count; i++) out.push(i);
      return out;
    }

    function sum(numbers) {
      return numbers.reduce(function (a, b) { return a + (b || 0); }, 0);
    }

    /* Where each tier of the bundle list ends: the newest bundles until they hold
       FIRST_TIER_PAGES pages, then each tier until the pages merged grow TIER_GROWTH
       times. Without page counts (an older bundle list), one tier: every bundle. */
    function tierEnds(pages) {
      if (pages.some(function (p) { return typeof p !== "number"; })) return [pages.length];
      var out = [];
      var total = 0;
      var goal = FIRST_TIER_PAGES;
      pages.forEach(function (p, i) {
        total += p;
        if (total >= goal && i + 1 < pages.length) {
          out.push(i + 1);
          goal = total * TIER_GROWTH;
        }
      });
      out.push(pages.length);
      return out;
    }

    /* Merges the bundles at ``indexes`` not merged yet, all at once: each merge fetches
       its bundle's entry and metadata, so one after the other would cost a round trip
       per bundle. A search waits for every merge asked before it. */
    function merge(indexes) {
      var fresh = indexes.filter(function (i) { return !merged[i]; });
      fresh.forEach(function (i) { merged[i] = true; });
      early.ask(openingFilesOf(fresh));
      if (fresh.length) {
        merging = merging.then(function () {
          return Promise.all(fresh.map(function (i) {
            return pf.mergeIndex(bundles.urls[i], { baseUrl: siteRoot.pathname });
          }));
        });
      }
      return merging;
    }

    /* The bundles a search needs: with a year chosen, that year's (and a pending
       bundle); otherwise tier by tier, newest first. */
    function scopeOf(filters) {
      var year = filters[YEAR_FILTER];
      if (year && /^[0-9]{4}$/.test(year)) {
        var wanted = range(bundles.names.length).filter(function (i) {
          var name = bundles.names[i];
          return name === bundles.pending || name === year || name.indexOf(year + "-") === 0;
        });
        return { ready: function () { return merge(wanted); }, more: function () { return false; } };
      }
      return {
        ready: function () { return merging; },
        more: function () { return merged.indexOf(false) !== -1; },
        widen: function (found) {
          return merge(range(widerEnd(found)));
        }
      };
    }

    /* Where the next merge ends: the next tier, or further when the merged bundles
       gave few matches (as many more are expected per page: enough pages for two pages
       of results), every bundle when they gave none (a rare name, or nothing at all,
       would otherwise walk through every tier, two round trips each). */
    function widerEnd(found) {
      var first = merged.indexOf(false);
      var goal = found ? mergedPages() * Math.max(TIER_GROWTH, Math.ceil(2 * PAGE_SIZE / found))
        : Infinity;
      var pages = 0;
      for (var i = 0; i < bundles.pages.length; i++) {
        pages += bundles.pages[i] || 0;
        if (i + 1 > first && ends.indexOf(i + 1) !== -1 && pages >= goal) return i + 1;
      }
      return bundles.names.length;
    }

    function mergedPages() {
      return sum(bundles.pages.filter(function (p, i) { return merged[i]; }));
    }

    /* A cursor over the merged bundles' matches that, once they are read, merges the
       next tier and reads on (``open(final, delivered)``: a cursor over the bundles
       merged so far, skipping the pages already delivered). */
    function tieredCursor(scope, open) {
      var delivered = new Set();
      var inner = null;
      var outer = { total: 0, done: false, partial: false, pages: 0 };
      function update() {
        outer.total = inner.total;
        outer.partial = scope.more();
        outer.done = inner.done && !outer.partial;
        outer.pages = mergedPages();
      }
      function reopen() {
        return scope.ready().then(function () {
          return open(!scope.more(), delivered);
        }).then(function (c) { inner = c; update(); return outer; });
      }
      outer.warm = function (count) { if (inner.warm) inner.warm(count); };
      outer.next = function (count) {
        var hits = [];
        function fill() {
          if (hits.length >= count) return hits;
          if (!inner.done) {
            return inner.next(count - hits.length).then(function (more) {
              more.forEach(function (hit) { delivered.add(hit.id); hits.push(hit); });
              update();
              return fill();
            });
          }
          if (!scope.more()) return hits;
          return scope.widen(delivered.size).then(reopen).then(fill);
        }
        return Promise.resolve().then(fill);
      };
      return reopen();
    }

    /* Pagefind takes one exact phrase per query, so a query of several parts is asked
       part by part, one after the other, and only pages found for every part are kept:
       in the first part's order when sorting by date (Pagefind's order), otherwise by
       their summed scores. ``shards``: matches per bundle, when Pagefind counted them. */
    function candidates(queries, options) {
      if (queries.length < 2) {
        var query = queries.length ? queries[0] : null;
        return loadPrefix(query).then(function () {
          return pf.search(query, options);
        }).then(function (found) {
          return { results: found.results, shards: (found.filters || {})[SHARD_FILTER] || null };
        });
      }
      var answers = [];
      return queries.reduce(function (chain, q) {
        return chain.then(function () { return loadPrefix(q); }).then(function () {
          return pf.search(q, options).then(function (found) { answers.push(found.results); });
        });
      }, Promise.resolve()).then(function () {
        return { results: pagesInEvery(answers, !!options.sort), shards: null };
      });
    }

    /* Pagefind matches a one-character query against every word it starts, but reads
       only the index chunk the character itself falls in, and a common character's pairs
       fill several chunks (10,000 articles: 镇 found 4,095 of its 7,382 pages). Probes
       spread over every second character load each chunk the pairs span first (each
       chunk once; they stay loaded), and the search then sees them all; only a chunk
       whose pairs all fall between two probes would be missed (10,000 articles: 镇, 椒,
       税, 亩 and 闫 find every page with 8 probes). */
    function loadPrefix(query) {
      if (!query || !SINGLE_CJK.test(query)) return Promise.resolve();
      return Promise.all(PREFIX_PROBES.map(function (second) {
        return pf.preload(query + second);
      }));
    }

    /* Reads candidates in order, ``count`` at a time, keeping those that hold the query
       (see containsAll) and are not out of date; ``skip``: ids of pages already shown
       (counted, not read again). */
    function verifiedCursor(list, units, skip) {
      var position = 0;
      var all = list.length;
      if (skip && skip.size) list = list.filter(function (r) { return !skip.has(r.id); });
      var cursor = { total: all, done: !list.length, rejected: 0 };
      /* Asks for the next ``count`` candidates' data at once, before ``next`` reads them
         a few at a time (Pagefind keeps each page's data once asked for). */
      cursor.warm = function (count) {
        list.slice(position, position + count).forEach(function (r) {
          r.data().catch(function () { /* next() meets the failure */ });
        });
      };
      cursor.next = function (count) {
        var hits = [];
        function step() {
          if (hits.length >= count || position >= list.length) {
            cursor.done = position >= list.length;
            cursor.total = all - cursor.rejected;
            return hits;
          }
          var batch = list.slice(position, position + count - hits.length);
          position += batch.length;
          return Promise.all(batch.map(function (r) { return r.data(); })).then(function (data) {
            data.forEach(function (d, i) {
              if (isOutdated(d, bundles.replaced) || !containsAll(unpaired(d.content || ""), units)) {
                cursor.rejected++;
              } else {
                var hit = pagefindHit(d, units);
                hit.id = batch[i].id;
                hits.push(hit);
              }
            });
            return step();
          });
        }
        return Promise.resolve().then(step);
      };
      return cursor;
    }

    /* Newest first over every match: Pagefind sorts each bundle by date but ranks merged
       bundles by score, so the bundles (newest year first) are asked one at a time through
       the hidden shard filter and read in turn; a pending bundle's few matches are read
       at once and merged in by date. ``carry``: what the cursors of earlier tiers read
       (their bundles, the pending matches, how many were rejected); ``final``: no older
       tier follows, so the pending matches left go last. */
    function dateCursor(found, queries, filters, units, carry, final) {
      // Matches per bundle, for the bundles whose shard filter Pagefind has loaded:
      // one missing from it may hold matches.
      var counts = found.shards;
      var order = bundles.names.filter(function (name, i) {
        return merged[i] && !carry.read.has(name) && name !== bundles.pending &&
          !(counts && counts[name] === 0);
      });
      var current = null;
      var warmth = 0;  // what warm() asked for, passed on to the first bundle read
      var cursor = { total: found.results.length, done: !found.results.length };
      cursor.warm = function (count) {
        if (current) current.warm(count); else warmth = count;
      };

      function inShard(name) {
        var options = { filters: Object.assign({}, filters), sort: { date: "desc" } };
        options.filters[SHARD_FILTER] = [name];
        return candidates(queries, options).then(function (inside) {
          return verifiedCursor(inside.results, units);
        });
      }

      function loadPending() {
        if (carry.pending) return Promise.resolve(carry.pending);
        if (!bundles.pending || (counts && counts[bundles.pending] === 0)) {
          carry.pending = [];
          return Promise.resolve(carry.pending);
        }
        return inShard(bundles.pending).then(function (c) {
          return c.next(Infinity).then(function (hits) {
            carry.finished += c.rejected;
            carry.pending = hits.sort(function (a, b) { return compareDates(b, a); });
            return carry.pending;
          });
        });
      }

      cursor.next = function (count) {
        var hits = [];
        var pending = carry.pending;
        function fill() {
          cursor.total = found.results.length - carry.finished - (current ? current.rejected : 0);
          if (hits.length >= count) return hits;
          if (!current || current.done) {
            if (current) carry.finished += current.rejected;
            current = null;
            if (!order.length) {
              if (final) hits.push.apply(hits, pending.splice(0));
              cursor.done = true;
              cursor.total = found.results.length - carry.finished;
              return hits;
            }
            var name = order.shift();
            carry.read.add(name);
            return inShard(name).then(function (c) {
              current = c;
              if (warmth) c.warm(warmth);
              warmth = 0;
              return fill();
            });
          }
          return current.next(count - hits.length).then(function (more) {
            more.forEach(function (hit) {
              while (pending.length && compareDates(pending[0], hit) > 0) hits.push(pending.shift());
              hits.push(hit);
            });
            return fill();
          });
        }
        return loadPending().then(function (loaded) { pending = loaded; return fill(); });
      };
      return cursor;
    }
  }

  /* Pagefind cuts a query into words by the page's language: for zh-cn with the
     browser's dictionary segmenter, which splits 叶营 into 叶 营, so the phrase of pairs
     "叶营" would not be found. Told that the language is unknown, as the index was built,
     it keeps the query's words as given. It reads the language once, as it starts, so
     the page's own is put back at once. */
  function startWithoutSegmenter(pf) {
    var html = document.documentElement;
    var lang = html.getAttribute("lang");
    html.setAttribute("lang", "unknown");
    try {
      return pf.init();
    } finally {
      if (lang === null) html.removeAttribute("lang"); else html.setAttribute("lang", lang);
    }
  }

  function filterOptions(filters) {
    var options = {};
    Object.keys(filters).forEach(function (name) { options[name] = [filters[name]]; });
    return options;
  }

  function sortKey(hit) {
    return hit.date ? (hit.date + "-01-01").slice(0, 10) : "";
  }

  function compareDates(a, b) {
    var x = sortKey(a);
    var y = sortKey(b);
    return x < y ? -1 : x > y ? 1 : 0;
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

  /* The index holds Chinese text as overlapping pairs of characters, the last of a run
     alone (梁园区 -> 梁园 园区 区; see index_text in baoku/search/pagefind.py), so a
     Chinese run of the query is asked as the phrase of its pairs ("梁园 园区"): only pages
     holding the run are candidates, and Pagefind reads the short lists of two-character
     words rather than those of single characters, which hold nearly every page. One
     character is asked alone: Pagefind also matches the words it starts, and every
     character of the text starts one. The index glues quotes to the edge of a word, so
     “五星”支部 still holds the pairs 五星 星支 支部. Latin words and numbers go together as
     plain words. No part at all: a filter-only search. */
  function pagefindQueries(units) {
    var queries = units.runs.map(function (run) {
      return run.length > 1 ? '"' + bigrams(run).join(" ") + '"' : run;
    });
    if (units.ascii.length) queries.push(units.ascii.join(" "));
    return queries.filter(function (q, i) { return queries.indexOf(q) === i; });
  }

  /* The text as printed from the indexed words: each pair of characters keeps its first
     (the second starts the next word). */
  var PAIR = /([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/g;
  function unpaired(text) {
    return text.replace(PAIR, "$1");
  }

  /* The index spaces out every word of Chinese (and Pagefind marks word breaks with
     U+200B); the text as printed has no space next to Chinese characters or Chinese
     punctuation (the clean stage removed those), so every such gap goes. */
  function asPrinted(text) {
    return text.replace(/\u200b/g, "").replace(WIDE_GAP, "");
  }

  /* Pagefind's content starts with the record's heading and ". "; excerpts are of the
     body. Cut only when what precedes holds the headline, so a body is never cut. */
  function bodyOf(content, title) {
    var cut = content.indexOf(". ");
    if (cut < 0) return content;
    var head = asPrinted(content.slice(0, cut)).replace(/\s+/g, "");
    return head.indexOf(normalize(title).replace(/\s+/g, "")) !== -1 ? content.slice(cut + 2) : content;
  }

  /* Pagefind ranks pages whose Chinese matches only in part of a phrase it cannot place
     (quotes, line ends), so keep only pages whose text holds every bigram and token of
     the query (an exact phrase match nearly always does). */
  function containsAll(text, units) {
    if (!hasUnits(units)) return true;
    var flat = normalize(text).replace(QUOTES, "").replace(/[\s\u200b]+/g, "");
    var needles = units.ascii.slice();
    units.runs.forEach(function (r) { needles = needles.concat(bigrams(r)); });
    return needles.every(function (n) { return flat.indexOf(n) !== -1; });
  }

  /* A shard's copy of a page a pending bundle has replaced (or that is gone). */
  function isOutdated(data, replaced) {
    if (!replaced.size || (data.meta && data.meta.pending)) return false;
    return replaced.has(new URL(data.url, location.href).href);
  }

  function pagefindHit(data, units) {
    // Every bundle was given the site root as its base URL, so URLs are root-relative.
    var target = new URL(data.url, location.href);
    var meta = data.meta || {};
    var title = meta.title || target.pathname;
    return {
      href: relativeTo(target),
      title: title,
      date: meta.date || "",
      paper: meta.paper || "",
      issue: meta.issue || "",
      excerpt: excerptSegments(asPrinted(bodyOf(unpaired(data.content || ""), title)), units)
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
  var composing = false;
  var cursor = null;
  var baseTitle = document.title;
  var more = document.createElement("button");
  more.type = "button";
  more.id = "search-more";
  more.className = "search-more";
  more.textContent = "显示更多结果";

  function currentFilters() {
    var filters = {};
    filterSelects.forEach(function (select) {
      if (select.value) filters[select.dataset.filter] = select.value;
    });
    return filters;
  }

  function stateQuery() {
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    filterSelects.forEach(function (s) { if (s.value) params.set(s.name, s.value); });
    if (sortSelect.value) params.set("sort", sortSelect.value);
    var query = params.toString();
    return query ? "?" + query : "";
  }

  /* Each search the reader asks is its own history entry (Back returns to the previous
     one); a search replayed from the history changes nothing. */
  function syncUrl(fromHistory) {
    var query = stateQuery();
    if (fromHistory || query === location.search) return;
    try {
      history.pushState(null, "", location.pathname + query);
    } catch (e) {
      /* some file:// setups refuse pushState; searching still works */
    }
  }

  function syncTitle(query) {
    var filters = currentFilters();
    var words = query ? ["“" + query + "”"] : [];
    Object.keys(filters).forEach(function (name) { words.push(name + "：" + filters[name]); });
    document.title = words.length ? words.join(" ") + " · " + baseTitle : baseTitle;
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

  /* A list with one choice or none filters nothing: it is hidden (unless chosen). */
  function fillFilters(facets) {
    filterSelects.forEach(function (select) {
      var chosen = select.value;
      var values = facets[select.dataset.filter] || [];
      values.forEach(function (value) {
        if (value !== chosen) select.appendChild(new Option(value, value));
      });
      select.value = chosen;
      select.closest("label").hidden = values.length < 2 && !chosen;
    });
    form.dataset.filters = "ready";  // the lists are complete
  }

  function setState(state, message, query) {
    results.dataset.state = state;
    results.dataset.query = query || "";
    results.dataset.mode = engine.mode;
    status.textContent = message;
  }

  function countMessage(shown) {
    var where = engine.mode === "offline" ? "（离线检索）" : "";
    var rest = cursor.done ? "" : "，已显示 " + shown + " 篇";
    if (cursor.partial) {  // older bundles are merged as the reader reads on
      return "在较新的 " + cursor.pages + " 篇文章中找到 " + cursor.total + " 篇" + rest +
        "；更早的文章随“显示更多结果”检索" + where;
    }
    return "找到 " + cursor.total + " 篇文章" + rest + where;
  }

  /* ``shown``: the list renderFirst put up for this search, which the rest of the page
     extends (a reader may already be on one of its links). */
  function render(hits, query, shown) {
    if (shown && shown.parentNode === results) {
      hits.slice(shown.children.length).forEach(function (hit) {
        shown.appendChild(hitElement(hit, query));
      });
    } else {
      results.replaceChildren(hitList(hits, query));
    }
    if (!cursor.done) results.appendChild(more);
    setState("done", countMessage(hits.length), query);
  }

  /* The first results while the rest of the page loads (still busy: the count is
     announced once the page is complete); returns their list. */
  function renderFirst(hits, query) {
    var list = hitList(hits, query);
    results.replaceChildren(list);
    setState("partial", "正在检索…", query);
    return list;
  }

  function hitList(hits, query) {
    var list = document.createElement("ol");
    list.className = "search-hits";
    hits.forEach(function (hit) { list.appendChild(hitElement(hit, query)); });
    return list;
  }

  function showMore() {
    var mine = sequence;
    var list = results.querySelector(".search-hits");
    var query = results.dataset.query;
    more.disabled = true;
    results.setAttribute("aria-busy", "true");
    return cursor.next(PAGE_SIZE).then(function (hits) {
      if (mine !== sequence) return;
      results.removeAttribute("aria-busy");
      more.disabled = false;
      var first = null;
      hits.forEach(function (hit) {
        var item = hitElement(hit, query);
        first = first || item;
        list.appendChild(item);
      });
      if (cursor.done) more.remove();
      setState("done", countMessage(list.children.length), query);
      if (first) first.querySelector("a").focus();  // keyboard readers go on from here
    });
  }

  function hitElement(hit, query) {
    var item = document.createElement("li");
    item.className = "search-hit";
    var heading = document.createElement("h2");
    var link = document.createElement("a");
    // The article page marks the reader's words (site.js) and offers to clear them.
    link.href = hit.href + (query ? "#hl=" + encodeURIComponent(query) : "");
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

  /* Nothing found: say which filters narrowed the search, offer to clear them, and
     suggest the words of the query that do find something on their own. */
  function renderNone(query, filters, mine) {
    var names = Object.keys(filters);
    var what = query ? "“" + query + "”" : "所选条件";
    var message = "没有找到与" + what + "相关的文章";
    if (names.length) {
      message += "（筛选：" + names.map(function (n) { return n + "“" + filters[n] + "”"; }).join("、") + "）";
    }
    var box = document.createElement("div");
    box.className = "search-none";
    if (names.length) {
      var clear = document.createElement("button");
      clear.type = "button";
      clear.className = "search-clear";
      clear.textContent = "清除筛选条件";
      clear.addEventListener("click", function () {
        filterSelects.forEach(function (s) { s.value = ""; });
        labelToggle();
        run();
        input.focus();
      });
      box.appendChild(clear);
    }
    results.replaceChildren(box);
    setState("none", message + "。", query);
    return suggestions(query, filters).then(function (found) {
      if (mine !== sequence || !found.length) return;
      var p = document.createElement("p");
      p.className = "search-suggest";
      p.append("可以试试：");
      found.forEach(function (s, i) {
        if (i) p.append("、");
        var link = document.createElement("a");
        var params = new URLSearchParams();
        if (s.query) params.set("q", s.query);
        if (sortSelect.value) params.set("sort", sortSelect.value);
        link.href = location.pathname + "?" + params.toString();
        link.textContent = (s.query ? "“" + s.query + "”" : "不加筛选") + "（" + s.total + " 篇）";
        p.appendChild(link);
      });
      box.appendChild(p);
    });
  }

  function suggestions(query, filters) {
    var tries = [];
    var words = query.split(/\s+/).filter(Boolean);
    if (words.length > 1) tries = words.map(function (w) { return { query: w, filters: {} }; });
    if (Object.keys(filters).length && query) tries.unshift({ query: query, filters: {} });
    return tries.reduce(function (chain, t) {
      return chain.then(function (found) {
        return engine.search(t.query, t.filters, "").then(function (c) {
          return c.total ? found.concat([{ query: t.query, total: c.total }]) : found;
        });
      });
    }, Promise.resolve([])).catch(function () { return []; });
  }

  function run(fromHistory) {
    var query = input.value.trim();
    var filters = currentFilters();
    var sort = sortSelect.value;
    var mine = ++sequence;
    var shown = null;  // the first results, once shown
    syncUrl(fromHistory === true);
    syncTitle(query);
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
      if (mine !== sequence) return null;
      cursor = found;
      found.warm(PAGE_SIZE);
      return found.next(FIRST_SHOWN);
    }).then(function (first) {
      if (mine !== sequence || first === null) return null;
      if (!first.length || cursor.done) return first;
      shown = renderFirst(first, query);
      return cursor.next(PAGE_SIZE - first.length).then(function (rest) {
        return first.concat(rest);
      });
    }).then(function (hits) {
      if (mine !== sequence || hits === null) return;
      results.removeAttribute("aria-busy");
      if (!hits.length) {
        renderNone(query, filters, mine);
      } else {
        render(hits, query, shown);
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

  /* Phones: the filters open as a sheet (search.css); without this script they stay
     on the page. The toggle names how many filters are set. */
  var toggle = form.querySelector(".filters-toggle");
  var sheet = document.getElementById("search-filters");
  function setSheet(open) {
    form.classList.toggle("sheet-open", open);
    toggle.setAttribute("aria-expanded", String(open));
    if (open) {
      var first = sheet.querySelector("select");
      if (first) first.focus();
    }
  }
  function labelToggle() {
    var n = Object.keys(currentFilters()).length;
    toggle.textContent = n ? "筛选（" + n + "）" : "筛选";
  }
  form.classList.add("has-sheet");
  toggle.addEventListener("click", function () {
    setSheet(!form.classList.contains("sheet-open"));
  });
  sheet.querySelector(".sheet-close").addEventListener("click", function () {
    setSheet(false);
    toggle.focus();
  });
  sheet.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && form.classList.contains("sheet-open")) {
      setSheet(false);
      toggle.focus();
    }
  });
  filterSelects.forEach(function (s) { s.addEventListener("change", labelToggle); });
  window.addEventListener("popstate", labelToggle);

  readUrl();
  labelToggle();
  ready = start();
  ready.catch(function (error) {
    setState("error", "检索索引加载失败：" + error.message, input.value.trim());
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (composing) return;  // Enter that ends a composition is not a search
    clearTimeout(timer);
    run();
  });
  // An input method composes Chinese from Latin letters (liangyuan -> 梁园区): nothing is
  // searched while it composes, and the finished word is.
  input.addEventListener("compositionstart", function () {
    composing = true;
    clearTimeout(timer);
  });
  input.addEventListener("compositionend", function () {
    composing = false;
    schedule();
  });
  input.addEventListener("input", function (event) {
    if (composing || event.isComposing) return;
    schedule();
  });
  more.addEventListener("click", showMore);
  filterSelects.concat([sortSelect]).forEach(function (s) {
    s.addEventListener("change", function () { run(); });
  });
  window.addEventListener("popstate", function () {
    readUrl();
    run(true);
  });
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
  ready.then(function () { return run(true); }).then(loadFilterListsWhenIdle, loadFilterListsWhenIdle);
})();
