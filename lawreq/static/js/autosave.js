// Autosave of unsaved text (wizard details step): every 20 seconds, if anything changed since the last save,
// post the form to its own address with autosave=1. The server keeps the text as unsaved (not validated, the
// step does not move) and answers with the draft's new version, which is written back into the form so the
// user's next real save is not mistaken for a colleague's. No inline script (CSP script-src 'self').
(function () {
  "use strict";
  var INTERVAL = 20000;
  function start(form) {
    var status = form.querySelector("[data-autosave-status]");
    var last = new URLSearchParams(new FormData(form)).toString();
    var busy = false;
    function say(text) { if (status) status.textContent = text; }
    function tick() {
      if (busy) return;
      var data = new FormData(form);
      var now = new URLSearchParams(data).toString();
      if (now === last) return;
      data.set("autosave", "1");
      busy = true;
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (result.ok && result.body.saved) {
          var version = form.querySelector("input[name=version]");
          if (version) version.value = String(result.body.version);
          last = new URLSearchParams(new FormData(form)).toString();
          say("Unsaved text kept at " + (result.body.at || "now") + " UTC.");
        } else {
          say(result.body.error || "Could not keep your text.");
        }
      }).catch(function () {
        say("Could not keep your text (offline?). It is still in this page.");
      }).then(function () { busy = false; });
    }
    window.setInterval(tick, INTERVAL);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(start);
  });
})();
