/* 报库: copy buttons, the plain-text download of an article and ← → keys between
   articles. Works from file:// (no fetch). */
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

  function setupCopyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var label = button.textContent;
      button.addEventListener("click", function () {
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
    var address = button.getAttribute("data-address") || window.location.href.split("#")[0];
    lines.push("——", button.getAttribute("data-source"),
               button.getAttribute("data-archive"), address);
    return lines.join("\n") + "\n";
  }

  function setupTextDownload() {
    document.querySelectorAll("button.text-download").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        // The BOM makes the file read as UTF-8 wherever it is opened, whatever the charset.
        var blob = new Blob(["\ufeff" + articleText(button)], { type: "text/plain;charset=utf-8" });
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = button.getAttribute("data-file") || "article.txt";
        document.body.appendChild(link);
        link.click();
        document.body.removeChild(link);
        window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
      });
    });
  }

  setupCopyButtons();
  setupTextDownload();
  setupArrowKeys();
}());
