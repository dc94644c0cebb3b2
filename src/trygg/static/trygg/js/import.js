// The import progress page: while a large import runs in the background, check every
// three seconds whether it has finished and then show the result. Without JavaScript the
// page has an "Uppdatera" link instead.
(function () {
  "use strict";
  var marker = document.querySelector("[data-import-running]");
  if (!marker || !window.fetch) {
    return;
  }
  function poll() {
    window.fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (html.indexOf("data-import-running") === -1) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 3000);
        }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 3000);
})();
