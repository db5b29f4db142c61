// podesk's own script, loaded as a file: the Content-Security-Policy allows no inline script.
// htmx does the fetching and swapping; this only says so when a request failed, because htmx
// swaps nothing then and the page would otherwise look as if nothing happened.
(function () {
  "use strict";

  function announce(text) {
    var live = document.getElementById("live");
    if (live) {
      live.textContent = text;
    }
  }

  document.addEventListener("htmx:beforeRequest", function () {
    announce("");
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    announce(status >= 500
      ? "Something went wrong on our side (" + status + "). Please try again in a moment."
      : "That did not work (" + status + "). Reload the page and try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    announce("podesk could not be reached. Check your connection and try again.");
  });
})();
