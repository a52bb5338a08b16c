/* The Qogam console's little JavaScript: live checks in the entry editor, "try a question", and the live
   broadcast dashboard. Plain JavaScript, no library, nothing from another site: pages work without it
   (forms post normally); it only saves reloads. Every text it shows comes from the page (translated
   there) or from the server's JSON, and is set with textContent, never as HTML. */
(function () {
  "use strict";

  function csrf() {
    var input = document.querySelector("input[name=csrf]");
    return input ? input.value : "";
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  function post(url, body) {
    return fetch(url, {method: "POST", body: body, credentials: "same-origin",
                       headers: {"X-CSRF-Token": csrf()}});
  }

  // ---- the entry editor: checks and previews as the editor types ------------------------------------
  var form = document.getElementById("entry-form");
  if (form) {
    var live = document.getElementById("live-status");
    var general = form.querySelector("ul.findings[data-field='general']");
    var check = debounce(function () {
      post("/entries/check", new FormData(form)).then(function (response) {
        if (!response.ok) { return null; }
        return response.json();
      }).then(function (data) {
        if (!data) { return; }
        form.querySelectorAll("ul.findings").forEach(function (list) { list.replaceChildren(); });
        data.findings.forEach(function (finding) {
          var list = form.querySelector("ul.findings[data-field='" + (finding.field || "general") +
                                        "'][data-lang='" + (finding.lang || "") + "']") || general;
          var item = document.createElement("li");
          item.className = finding.severity;
          item.textContent = finding.text;
          list.appendChild(item);
        });
        Object.keys(data.previews).forEach(function (lang) {
          var pre = form.querySelector("pre[data-preview='" + lang + "']");
          if (pre) { pre.textContent = data.previews[lang]; }
        });
        live.textContent = data.status;
        live.className = "live " + (data.errors ? "has-errors" : "clean");
      });
    }, 300);
    form.addEventListener("input", check);
  }

  // ---- try a question with the unsaved draft --------------------------------------------------------
  var tryForm = document.getElementById("try-form");
  if (tryForm && form) {
    tryForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var verdict = document.getElementById("try-verdict");
      var reply = document.getElementById("try-reply");
      var body = new FormData(form);
      body.set("question", document.getElementById("try-question").value);
      verdict.textContent = verdict.dataset.waiting;
      post("/entries/try", body).then(function (response) { return response.json(); }).then(function (data) {
        if (data.problem) { verdict.textContent = data.problem; reply.textContent = ""; return; }
        var r = data.reply;
        if (!r) { verdict.textContent = ""; reply.textContent = ""; return; }
        var key = r.status === "answered" ? (r.is_this_entry ? "this" : "other")
                : r.status === "suggested" ? "suggested" : "none";
        verdict.textContent = verdict.dataset[key].replace("{entry}", r.entry || "");
        verdict.className = "verdict " + key;
        reply.textContent = r.text;
      });
    });
  }

  // ---- a broadcast's live dashboard -----------------------------------------------------------------
  var dashboard = document.querySelector("[data-dashboard]");
  if (dashboard) {
    var refresh = function () {
      fetch(dashboard.dataset.dashboard, {credentials: "same-origin"}).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (!data) { return; }
        Object.keys(data).forEach(function (key) {
          dashboard.querySelectorAll("[data-value='" + key + "']").forEach(function (cell) {
            cell.textContent = data[key];
          });
        });
        var status = dashboard.querySelector("[data-status]");
        if (status) { status.dataset.status = data.status; }
        var bar = dashboard.querySelector("progress");
        if (bar && data.total) { bar.max = data.total; bar.value = data.total - data.pending; }
        if (!data.finished) { setTimeout(refresh, 2000); }
      });
    };
    setTimeout(refresh, 1000);
  }
}());
