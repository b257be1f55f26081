// Follows a bilan PDF being printed: asks its small status address every few seconds, moves the progress bar and
// its label, and once the PDF is ready (or has failed) swaps in the block the status page shows then. Without this
// script, the « Voir où en est le PDF » link opens that page, which refreshes itself.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser) {
    return;
  }
  var INTERVAL = 2500;

  function follow(block) {
    if (block.hasAttribute("data-followed")) {
      return;
    }
    block.setAttribute("data-followed", "");
    var progress = block.querySelector("progress");
    var label = block.querySelector("[data-bilan-pdf-text]");
    if (!progress || !label) {
      return;
    }
    var template = label.textContent;
    var pattern = /\d+\s*\/\s*\d+/;

    function swap() {
      fetch(block.getAttribute("data-page-url"), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-bilan-pdf]");
          if (fresh) {
            block.innerHTML = fresh.innerHTML;
          }
        })
        .catch(function () { window.setTimeout(swap, INTERVAL * 4); });
    }

    function ask() {
      fetch(block.getAttribute("data-status-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (state) {
          if (state.state === "ready" || state.state === "failed") {
            swap();
            return;
          }
          progress.max = state.total || 1;
          progress.value = state.done;
          progress.textContent = state.done + " / " + state.total;
          label.textContent = template.replace(pattern, state.done + " / " + state.total);
          window.setTimeout(ask, INTERVAL);
        })
        .catch(function () { window.setTimeout(ask, INTERVAL * 4); });
    }

    window.setTimeout(ask, INTERVAL);
  }

  document.querySelectorAll("[data-bilan-pdf]").forEach(follow);
})();
