/* 报库: copy buttons and ← → keys between articles. Works from file:// (no fetch). */
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

  setupCopyButtons();
  setupArrowKeys();
}());
