// Keeps a live meeting's page on the session's current state: polls its small follow address (ETag, 304 while
// nothing changed) and, when the revision moves, fetches the page again and swaps its parts in place. A part
// holding a form being filled in is left alone until it is sent. Without this script, the « Actualiser » link
// does the same by hand.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root || !window.fetch || !window.DOMParser) {
    return;
  }
  var follow = document.getElementById("live-follow");
  var followText = document.getElementById("live-follow-text");
  var announcer = document.getElementById("live-announce");
  var interval = parseInt(root.getAttribute("data-interval"), 10) || 2500;
  var revision = root.getAttribute("data-revision");
  var lastAnnounce = root.getAttribute("data-announce");
  var etag = null;
  var timer = null;
  var busy = false;
  var stopped = false;
  var pending = false;

  function say(text) {
    if (followText && text) {
      followText.textContent = text;
    }
  }

  function watchForms(scope) {
    scope.querySelectorAll("form[data-keep-while-typing]").forEach(function (form) {
      var hold = function () { form.setAttribute("data-held", ""); };
      form.addEventListener("input", hold);
      form.addEventListener("change", hold);
    });
  }

  function isHeld(part) {
    if (part.querySelector("form[data-held]")) {
      return true;
    }
    var active = document.activeElement;
    return !!(active && part.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) &&
              active.type !== "hidden" && active.type !== "submit");
  }

  function anyHeld() {
    return Array.prototype.some.call(root.querySelectorAll("[data-live-part]"), isHeld);
  }

  function sameControl(part, element) {
    if (element.id) {
      return part.querySelector("#" + CSS.escape(element.id));
    }
    var form = element.form ? element.form.getAttribute("action") : null;
    var candidates = part.querySelectorAll(element.tagName);
    for (var i = 0; i < candidates.length; i += 1) {
      var candidate = candidates[i];
      var candidateForm = candidate.form ? candidate.form.getAttribute("action") : null;
      if (candidate.textContent === element.textContent && candidateForm === form &&
          candidate.getAttribute("value") === element.getAttribute("value")) {
        return candidate;
      }
    }
    return null;
  }

  function swap(fresh) {
    var held = false;
    var active = document.activeElement;
    fresh.querySelectorAll("[data-live-part]").forEach(function (next) {
      var name = next.getAttribute("data-live-part");
      var part = root.querySelector('[data-live-part="' + name + '"]');
      if (!part) {
        return;
      }
      if (isHeld(part)) {
        held = true;
        return;
      }
      var hadFocus = active && part.contains(active);
      var adopted = document.importNode(next, true);
      part.replaceWith(adopted);
      watchForms(adopted);
      if (hadFocus) {
        // focus stays where the person was: the same control if it is still there, else the part's heading
        var target = sameControl(adopted, active) || adopted.querySelector("h2[tabindex]");
        if (target) {
          target.focus({preventScroll: true});
        }
      }
    });
    return held;
  }

  function reload() {
    return fetch(root.getAttribute("data-page-url"), {credentials: "same-origin", cache: "no-store",
                                                    headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok || response.redirected) {
          throw failure(response);
        }
        return response.text();
      })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, "text/html");
        var fresh = doc.querySelector("[data-live]");
        if (!fresh) {
          throw failure(null);
        }
        pending = swap(fresh);
        revision = fresh.getAttribute("data-revision");
        root.setAttribute("data-revision", revision);
        var announce = fresh.getAttribute("data-announce");
        if (announce && announce !== lastAnnounce && announcer) {
          announcer.textContent = announce;
        }
        lastAnnounce = announce;
        say(pending ? follow.getAttribute("data-held") : follow.getAttribute("data-following"));
      });
  }

  // signed out, removed from the session or the session gone: stop; a network fault or a busy server: retry later
  function failure(response) {
    var error = new Error("live page: " + (response ? response.status : "no live region"));
    error.fatal = !response || response.redirected || (response.status >= 400 && response.status < 500);
    return error;
  }

  function stop() {
    stopped = true;
    window.clearTimeout(timer);
    say(follow.getAttribute("data-stopped"));
  }

  function poll() {
    if (busy || stopped) {
      return;
    }
    busy = true;
    var headers = {"Accept": "application/json"};
    if (etag) {
      headers["If-None-Match"] = etag;
    }
    fetch(root.getAttribute("data-follow-url"), {credentials: "same-origin", cache: "no-store", headers: headers})
      .then(function (response) {
        if (response.status === 304) {
          return pending && !anyHeld() ? reload() : null;  // a part left behind is brought up once let go
        }
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || response.redirected || type.indexOf("application/json") !== 0) {
          throw failure(response);
        }
        etag = response.headers.get("ETag");
        return response.json().then(function (state) {
          if (String(state.revision) !== String(revision) || pending) {
            return reload();
          }
          return null;
        });
      })
      .then(function () {
        busy = false;
        schedule(interval);
      }, function (error) {
        busy = false;
        if (error.fatal) {
          stop();
        } else {
          say(follow.getAttribute("data-retrying"));
          schedule(interval * 4);
        }
      });
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    if (!stopped && !document.hidden) {
      timer = window.setTimeout(poll, delay);
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      poll();
    } else {
      window.clearTimeout(timer);
    }
  });
  watchForms(root);
  say(follow.getAttribute("data-following"));
  schedule(interval);
})();
