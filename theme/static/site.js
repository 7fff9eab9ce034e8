/* 报库: an article's keyword links and lower pager, citations and copy buttons, the
   plain-text download of an article, an issue's data cut from its year's file, ← → keys
   between articles and the reader's search words marked on an article (#hl=). Works from
   file:// (the issue's data needs http: fetch). */
(function () {
  "use strict";

  function copyWithSelection(text) {
    // Works without the async clipboard (file://, plain http, no permission).
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function copyText(text) {
    if (copyWithSelection(text)) { return Promise.resolve(); }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text);
    }
    return Promise.reject(new Error("copy failed"));
  }

  /* ---------- citations: the reader's date of access and the page address ---------- */

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  /* The address to cite: the built one (the canonical link) when the site knows its base
     URL, else this page's own when it is served (a file:// address cites nothing). */
  function pageAddress() {
    var canonical = document.querySelector("link[rel='canonical']");
    if (canonical) { return canonical.href; }
    if (!/^https?:$/.test(location.protocol)) { return ""; }
    return location.origin + location.pathname;
  }

  /* ---------- the BibTeX entry, made from the page by baoku.citation.bibtex's rules ---------- */

  var BIBTEX_SPECIAL = {
    "\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "&": "\\&", "%": "\\%",
    "$": "\\$", "#": "\\#", "_": "\\_", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}"
  };
  var UNKNOWN_NEWSPAPER = "[报纸名不详]";
  var DATASET_NOTE = "报库数字报纸档案";

  function bibtexEscape(text) {
    return text.replace(/[\\{}&%$#_~^]/g, function (ch) { return BIBTEX_SPECIAL[ch]; });
  }

  /* The page's schema.org NewsArticle (authors, headline, date, the paper). */
  function pageRecord() {
    var script = document.querySelector("script[type='application/ld+json']");
    try { return script ? JSON.parse(script.textContent) : null; } catch (e) { return null; }
  }

  /* The entry without url and urldate (fillCitations adds those), as bibtex() in Python
     makes it without a base URL. */
  function bibtexEntry(details) {
    var record = pageRecord();
    var cite = details.closest("[data-id]");
    if (!record || !cite) { return ""; }
    var fields = [];
    var names = (record.author || []).map(function (a) { return "{" + bibtexEscape(a.name) + "}"; });
    if (names.length) { fields.push(["author", names.join(" and ")]); }
    var subtitle = textOf(".article-header .subtitle").replace(/^[\s—–\-－]+/u, "").trim();
    fields.push(["title", "{" + bibtexEscape(record.headline + (subtitle ? ": " + subtitle : "")) + "}"]);
    var paper = record.isPartOf && record.isPartOf.isPartOf;
    fields.push(["journal", bibtexEscape(paper ? paper.name : UNKNOWN_NEWSPAPER)]);
    var date = record.datePublished;
    if (date) {
      fields.push(["date", date], ["year", date.slice(0, 4)]);
      if (date.length >= 7) { fields.push(["month", String(parseInt(date.slice(5, 7), 10))]); }
    }
    var pages = details.getAttribute("data-pages");
    if (pages) { fields.push(["pages", bibtexEscape(pages)]); }
    fields.push(["note", bibtexEscape(details.getAttribute("data-note") || DATASET_NOTE)]);
    fields.push(["language", "chinese"]);
    var key = "baoku:" + cite.getAttribute("data-id").replace(/[^A-Za-z0-9_\-]/gu, "-");
    return "@article{" + key + ",\n" + fields.map(function (f) {
      return "  " + f[0] + " = {" + f[1] + "}";
    }).join(",\n") + "\n}\n";
  }

  /* The entry before the reader's address and date of access are added: the block's own
     text when a theme wrote it, else made here (and the folded block shown). */
  var BIBTEX_ENTRY = (function () {
    var bibtex = document.getElementById("cite-bibtex");
    if (!bibtex) { return ""; }
    var details = bibtex.closest("details");
    if (!bibtex.textContent.trim() && details) { bibtex.textContent = bibtexEntry(details); }
    if (details && bibtex.textContent) { details.hidden = false; }
    return bibtex.textContent;
  }());

  function fillCitations() {
    var accessed = document.querySelector("#cite-gbt .cite-accessed");
    if (accessed) { accessed.textContent = "[" + today() + "]"; }
    var address = pageAddress();
    var url = document.querySelector("#cite-gbt .cite-url");
    if (url && !url.textContent.trim() && address) { url.textContent = " " + address + "."; }
    var printUrl = document.querySelector(".print-header .print-url");
    if (printUrl && !printUrl.textContent.trim()) { printUrl.textContent = address; }
    var bibtex = document.getElementById("cite-bibtex");
    var entry = BIBTEX_ENTRY;
    if (bibtex && entry) {
      var extra = [];
      if (!/\n {2}url = /.test(entry) && address) { extra.push("  url = {" + address + "}"); }
      extra.push("  urldate = {" + today() + "}");
      bibtex.textContent = entry.replace(/\n\}\s*$/, ",\n" + extra.join(",\n") + "\n}\n");
    }
  }

  function setupCopyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var label = button.textContent;
      button.addEventListener("click", function () {
        fillCitations();  // the date of access is the day the reader copies it
        var source = document.getElementById(button.getAttribute("data-copy"));
        if (!source) { return; }
        copyText(source.textContent.trim()).then(function () {
          button.textContent = "已复制";
        }, function () {
          button.textContent = "复制失败，请手动选择";
        }).then(function () {
          window.setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    });
  }

  function isTyping(target) {
    if (!target) { return false; }
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function setupArrowKeys() {
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
      if (isTyping(event.target)) { return; }
      var rel = event.key === "ArrowLeft" ? "prev" : event.key === "ArrowRight" ? "next" : null;
      if (!rel) { return; }
      var link = document.querySelector(".pager a[rel='" + rel + "']");
      if (link) { window.location.href = link.href; }
    });
  }

  function textOf(selector) {
    var element = document.querySelector(selector);
    return element ? element.textContent.trim() : "";
  }

  /* The article as plain text, laid out as the page reads: kicker, headline, subtitle,
     byline, paragraphs, captions, then a footer naming the article, the archive and its
     address. Built here from the page, so the site carries no second copy of every text. */
  function articleText(button) {
    var lines = [];
    [".article-header .kicker", ".article-header .headline", ".article-header .subtitle",
     ".article-header .byline"].forEach(function (selector) {
      var text = textOf(selector);
      if (text) { lines.push(text); }
    });
    lines.push("");
    document.querySelectorAll(".article-body > :not(figure)").forEach(function (block) {
      var text = block.textContent.trim();
      if (text) { lines.push(text, ""); }
    });
    document.querySelectorAll(".article-body figcaption").forEach(function (caption) {
      lines.push("［图］" + caption.textContent.trim());
    });
    var address = pageAddress() || window.location.href.split("#")[0];
    var archive = button.getAttribute("data-archive") || textOf(".site-title");
    lines.push("——", button.getAttribute("data-source"), archive, address);
    return lines.join("\n") + "\n";
  }

  function saveFile(parts, name, type) {
    var blob = new Blob(parts, { type: type });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  function articleId(element) {
    var cite = element.closest("[data-id]");
    return cite ? cite.getAttribute("data-id") : "article";
  }

  function setupTextDownload() {
    document.querySelectorAll("button.text-download").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        // The BOM makes the file read as UTF-8 wherever it is opened, whatever the charset.
        saveFile(["\ufeff" + articleText(button)],
                 articleId(button) + ".txt", "text/plain;charset=utf-8");
      });
    });
  }

  /* ---------- an issue's data: its line of the year's data/issues-<year>.jsonl.gz ---------- */

  function gunzippedText(response) {
    return response.arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      // A server that sends the file with Content-Encoding: gzip has had it unpacked already.
      if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) { return new TextDecoder().decode(bytes); }
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      return new Response(stream).text();
    });
  }

  function issueLine(from, id) {
    var key = '"id":' + JSON.stringify(id) + ",";
    return fetch(from).then(function (response) {
      if (!response.ok) { throw new Error(response.status + " " + from); }
      return gunzippedText(response);
    }).then(function (text) {
      var lines = text.split("\n");
      for (var i = 0; i < lines.length; i++) {
        if (lines[i].indexOf(key) !== -1 && JSON.parse(lines[i]).id === id) { return lines[i]; }
      }
      throw new Error("no issue " + id + " in " + from);
    });
  }

  /* Over http(s) only: a page opened from disk cannot read another file (the link to the
     year's file beside the button still downloads it). */
  function setupIssueData() {
    var button = document.querySelector("button.issue-data");
    if (!button || !/^https?:$/.test(location.protocol) || !window.DecompressionStream) { return; }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var id = button.getAttribute("data-issue");
      button.disabled = true;
      button.textContent = "正在读取…";
      issueLine(button.getAttribute("data-from"), id).then(function (line) {
        saveFile([line + "\n"], id + ".json", "application/json");
        button.textContent = label;
      }, function () {
        button.textContent = "读取失败，请下载本年数据";
      }).then(function () { button.disabled = false; });
    });
  }

  /* ---------- parts of an article page made here from what the page already holds ---------- */

  /* The keywords are plain words on the page: each becomes a link to the search page,
     which needs JavaScript anyway. */
  function linkKeywords() {
    document.querySelectorAll("ul[data-search]").forEach(function (list) {
      var search = list.getAttribute("data-search");
      list.title = "点击关键词检索";
      list.querySelectorAll("li").forEach(function (item) {
        if (item.querySelector("a")) { return; }
        var link = document.createElement("a");
        link.href = search + "?q=" + encodeURIComponent(item.textContent);
        link.textContent = item.textContent;
        item.replaceChildren(link);
      });
    });
  }

  /* The pager under the article is a copy of the one above it, so a reader who reaches
     the end need not scroll back; without JavaScript the one above serves. */
  function copyPagerBelow() {
    var top = document.querySelector(".pager-top");
    var layout = document.querySelector(".article-layout");
    if (!top || !layout || document.querySelector(".pager-bottom")) { return; }
    var bottom = top.cloneNode(true);
    bottom.classList.replace("pager-top", "pager-bottom");
    bottom.setAttribute("aria-label", "本期前后文章");
    layout.after(bottom);
  }

  /* ---------- the reader's search words, marked on the article (#hl=…) ---------- */

  var SCRIPT_URL = document.currentScript ? document.currentScript.src : "";
  var HL_TERM = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:\.[0-9]+)*/g;

  function highlightQuery() {
    var match = /^#hl=(.*)$/.exec(location.hash);
    if (!match) { return ""; }
    try { return decodeURIComponent(match[1]).trim(); } catch (e) { return ""; }
  }

  /* The fold table (static/ts-fold.js) is loaded only when there is something to mark. */
  function withFold(done) {
    if (window.baokuFoldPairs !== undefined || !SCRIPT_URL) { done(); return; }
    var script = document.createElement("script");
    script.src = new URL("ts-fold.js", SCRIPT_URL).href;
    script.onload = done;
    script.onerror = done;
    document.head.appendChild(script);
  }

  function folder() {
    var map = new Map();
    var chars = Array.from(window.baokuFoldPairs || "");
    for (var i = 0; i + 1 < chars.length; i += 2) { map.set(chars[i], chars[i + 1]); }
    // One character for one character (UTF-16 units kept), so offsets stay valid.
    return function (text) {
      return text.replace(/[A-Z]/g, function (ch) { return ch.toLowerCase(); })
        .replace(/[^\x00-\x7f]/g, function (ch) {
        var to = map.get(ch);
        return to && to.length === ch.length ? to : ch;
      });
    };
  }

  function markTerms(roots, terms, fold) {
    var pattern = new RegExp(terms.map(function (t) {
      return t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("|"), "g");
    var marks = [];
    roots.forEach(function (root) {
      var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      var nodes = [];
      while (walker.nextNode()) { nodes.push(walker.currentNode); }
      nodes.forEach(function (node) {
        var folded = fold(node.nodeValue);
        var found = [];
        var m;
        pattern.lastIndex = 0;
        while ((m = pattern.exec(folded)) !== null) { found.push([m.index, m[0].length]); }
        for (var i = found.length - 1; i >= 0; i--) {
          var rest = node.splitText(found[i][0]);
          rest.splitText(found[i][1]);
          var mark = document.createElement("mark");
          mark.className = "search-term";
          rest.parentNode.replaceChild(mark, rest);
          mark.appendChild(rest);
          marks.unshift(mark);
        }
      });
    });
    return marks;
  }

  function clearMarks(marks, bar) {
    marks.forEach(function (mark) {
      var parent = mark.parentNode;
      parent.replaceChild(document.createTextNode(mark.textContent), mark);
      parent.normalize();
    });
    bar.remove();
    try {
      history.replaceState(null, "", location.pathname + location.search);
    } catch (e) { /* some file:// setups refuse it; the marks are gone all the same */ }
  }

  function highlightBar(query, count) {
    var bar = document.createElement("p");
    bar.className = "highlight-bar";
    bar.setAttribute("role", "status");
    bar.append(count ? "已标出检索词“" + query + "”，共 " + count + " 处。"
      : "本文正文中没有找到检索词“" + query + "”的原样文字。");
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "highlight-clear";
    clear.textContent = "清除标记";
    bar.appendChild(clear);
    return bar;
  }

  function setupHighlight() {
    var query = highlightQuery();
    var article = document.querySelector("article.article");
    if (!query || !article) { return; }
    withFold(function () {
      var fold = folder();
      var terms = (fold(query.normalize("NFKC")).match(HL_TERM) || [])
        .sort(function (a, b) { return b.length - a.length; });
      if (!terms.length) { return; }
      var roots = Array.prototype.slice.call(
        article.querySelectorAll(".article-header .headline, .article-header .kicker, " +
          ".article-header .subtitle, .article-body"));
      var marks = markTerms(roots, terms, fold);
      var bar = highlightBar(query, marks.length);
      var place = article.closest(".article-layout") || article;  // not a grid cell
      place.parentNode.insertBefore(bar, place);
      bar.querySelector("button").addEventListener("click", function () {
        clearMarks(marks, bar);
        document.getElementById("main").focus({ preventScroll: true });
      });
      if (marks.length) { marks[0].scrollIntoView({ block: "center" }); }
    });
  }

  linkKeywords();
  copyPagerBelow();
  fillCitations();
  setupCopyButtons();
  setupTextDownload();
  setupIssueData();
  setupArrowKeys();
  setupHighlight();
}());
