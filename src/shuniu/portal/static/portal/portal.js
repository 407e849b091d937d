// Keeps the large-text button's pressed state in step with the mode remembered on this device.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var on = false;
    try { on = window.localStorage && localStorage.getItem("shuniu-large-text") === "1"; } catch (e) { on = false; }
    document.querySelectorAll("[data-large-text-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  });
})();
