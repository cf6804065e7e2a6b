// Code cells: Tab inserts four spaces instead of leaving the editor (Escape, then Tab, leaves).
(function () {
  let escaped = false;
  document.querySelectorAll("textarea.code-editor").forEach(function (editor) {
    editor.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { escaped = true; return; }
      if (event.key === "Tab" && !event.shiftKey && !escaped) {
        event.preventDefault();
        editor.setRangeText("    ", editor.selectionStart, editor.selectionEnd, "end");
      }
      escaped = false;
    });
  });
})();
