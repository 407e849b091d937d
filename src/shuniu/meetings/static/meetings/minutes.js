// Minutes editor: a small toolbar that wraps the selected text in one of the allowed tags.
// The server sanitises whatever arrives, so this is a convenience only.
(function () {
  "use strict";
  document.querySelectorAll(".rich-text-toolbar").forEach(function (toolbar) {
    var area = document.getElementById(toolbar.getAttribute("data-for"));
    if (!area) return;
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-wrap]");
      if (!button) return;
      var tag = button.getAttribute("data-wrap");
      var start = area.selectionStart, end = area.selectionEnd;
      var selected = area.value.slice(start, end) || "";
      var wrapped = "<" + tag + ">" + selected + "</" + tag + ">";
      if (tag === "li") wrapped = "<ul>" + wrapped + "</ul>";
      area.setRangeText(wrapped, start, end, "end");
      area.focus();
    });
  });
})();
