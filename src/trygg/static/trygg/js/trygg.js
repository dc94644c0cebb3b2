/* Small progressive enhancements for every page (no inline scripts: strict CSP).
 * The pages work without this file. */
(function () {
  "use strict";

  // Error summary (GOV.UK pattern): move focus to it when the page loads, and let its
  // links move focus to the field (and scroll the field's label into view).
  function initErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var input = document.getElementById(link.getAttribute("href").slice(1));
      if (!input) {
        return;
      }
      event.preventDefault();
      var label = document.querySelector("label[for='" + input.id + "']");
      var legend = input.closest("fieldset") && input.closest("fieldset").querySelector("legend");
      (legend || label || input).scrollIntoView();
      input.focus({ preventScroll: true });
    });
  }

  // A table wider than the screen scrolls sideways; make its wrapper focusable then, so
  // keyboard users can scroll it too (WCAG 2.1.1), and only then (no empty tab stops).
  function initScrollRegions() {
    var regions = document.querySelectorAll("[data-scroll-region]");
    function update() {
      regions.forEach(function (region) {
        if (region.scrollWidth > region.clientWidth + 1) {
          region.setAttribute("tabindex", "0");
        } else {
          region.removeAttribute("tabindex");
        }
      });
    }
    if (regions.length) {
      update();
      window.addEventListener("resize", update);
      // A table inside a closed <details> has no width until it is opened.
      document.addEventListener("toggle", update, true);
    }
  }

  function init() {
    initErrorSummary();
    initScrollRegions();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
