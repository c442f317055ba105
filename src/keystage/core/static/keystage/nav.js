// Keystage: bring the current project tab into view when the tab bar scrolls (phone width).
(function () {
  "use strict";
  function reveal() {
    document.querySelectorAll(".tabs").forEach(function (bar) {
      var current = bar.querySelector('[aria-current="page"]');
      if (!current || bar.scrollWidth <= bar.clientWidth) return;
      var left = current.getBoundingClientRect().left - bar.getBoundingClientRect().left + bar.scrollLeft;
      bar.scrollLeft = Math.max(0, left - (bar.clientWidth - current.offsetWidth) / 2);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", reveal);
  else reveal();
})();
