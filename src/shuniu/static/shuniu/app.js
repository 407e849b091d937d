// Shuniu's small client script: nothing here is needed for a page to work without JavaScript.
(function () {
  "use strict";
  // Large-text mode on the portal, remembered on this device.
  function applyLargeText() {
    if (window.localStorage && localStorage.getItem("shuniu-large-text") === "1") {
      document.body.classList.add("large-text");
    }
  }
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-large-text-toggle]");
    if (!toggle) return;
    var on = !document.body.classList.contains("large-text");
    document.body.classList.toggle("large-text", on);
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    try { localStorage.setItem("shuniu-large-text", on ? "1" : "0"); } catch (e) { /* private mode */ }
  });
  // Confirm dangerous actions: <button data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
  // Auto-submit filter forms when a select changes: <form data-auto-submit>.
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-auto-submit]");
    if (form && event.target.tagName === "SELECT") form.requestSubmit();
  });
  document.addEventListener("DOMContentLoaded", applyLargeText);
})();
