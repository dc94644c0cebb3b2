// The import progress page: while a large import runs in the background, fetch its
// progress (the page's progress part, ?del=framsteg) every two seconds and copy it into
// the page: the phase, the progress bar's value (none while the incidents are saved) and
// the text, a polite live region. When the import has finished, reload to show the
// result. Without JavaScript the page has an "Uppdatera" link instead.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress][data-import-running]");
  if (!box || !window.fetch || !window.DOMParser) {
    return;
  }
  var url = window.location.pathname + "?del=framsteg";

  function copyText(selector, fresh) {
    var el = box.querySelector(selector);
    var source = fresh.querySelector(selector);
    // Only a change is written, so the live region speaks only when there is news.
    if (el && source && el.textContent !== source.textContent) {
      el.textContent = source.textContent;
    }
  }

  function update(fresh) {
    copyText("[data-progress-label]", fresh);
    var bar = box.querySelector("[data-progress-bar]");
    var source = fresh.querySelector("[data-progress-bar]");
    if (bar && source) {
      bar.setAttribute("max", source.getAttribute("max"));
      if (source.hasAttribute("value")) {
        bar.setAttribute("value", source.getAttribute("value"));
      } else {
        bar.removeAttribute("value");
      }
    }
    copyText("[data-progress-text]", fresh);
  }

  function poll() {
    window.fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var doc = new window.DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("[data-import-progress]");
        if (!fresh || !fresh.hasAttribute("data-import-running")) {
          window.location.reload();
          return;
        }
        update(fresh);
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 2000);
})();
