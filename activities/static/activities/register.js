// The register on a phone: each tap saves by itself through the registers API
// (PUT /api/v1/sessions/<id>/register/<member>/). A save that fails is kept
// and retried with growing waits (1, 2, 4 ... 30 seconds), and the row says so
// in words; the newest mark of a person always wins. Leaving the page with
// marks not yet saved asks first. Without JavaScript the form saves all at once.
(function () {
  "use strict";
  var form = document.querySelector("form.register[data-api]");
  if (!form) { return; }
  var api = form.getAttribute("data-api");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var pending = {};  // member id -> {status, attempt, timer}
  var saveAll = form.querySelector(".register-save-all");
  if (saveAll) { saveAll.hidden = true; }  // every tap saves; the button is the no-JS path

  function say(member, text, isError) {
    var el = document.getElementById("saved-" + member);
    if (!el) { return; }
    el.textContent = text;
    el.classList.toggle("register-saved--error", !!isError);
  }

  function retryButton(member) {
    var el = document.getElementById("saved-" + member);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary register-retry";
    button.textContent = "Try again now";
    button.addEventListener("click", function () { send(member); });
    el.appendChild(button);
  }

  function label(status) {
    return {present: "present", absent: "absent", late: "late", left_early: "left early"}[status] || status;
  }

  function clock() {
    var now = new Date();
    return String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
  }

  function send(member) {
    var job = pending[member];
    if (!job) { return; }
    clearTimeout(job.timer);
    var status = job.status;
    say(member, "Saving " + label(status) + "…");
    fetch(api + member + "/", {
      method: "PUT",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json"},
      body: JSON.stringify({status: status})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return {ok: response.ok, status: response.status, body: body};
      });
    }).then(function (result) {
      if (pending[member] !== job || job.status !== status) { return; }  // a newer tap
      if (result.ok) {
        delete pending[member];
        say(member, "Saved: " + label(status) + " at " + clock() + ".");
        return;
      }
      if (result.status >= 400 && result.status < 500 && result.status !== 408 && result.status !== 429) {
        // The server refused it (closed register, no permission): retrying will not help.
        delete pending[member];
        var message = (result.body.error && result.body.error.message) || "This mark was not saved.";
        say(member, "Not saved: " + message, true);
        return;
      }
      retry(member, job);
    }, function () {
      if (pending[member] === job && job.status === status) { retry(member, job); }
    });
  }

  function retry(member, job) {
    job.attempt += 1;
    var wait = Math.min(30, Math.pow(2, job.attempt - 1));
    say(member, "Not saved yet (no connection?). Trying again in " + wait + " second" + (wait === 1 ? "" : "s") + ".", true);
    retryButton(member);
    job.timer = setTimeout(function () { send(member); }, wait * 1000);
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio") { return; }
    var member = input.closest("fieldset").getAttribute("data-member");
    if (pending[member]) { clearTimeout(pending[member].timer); }
    pending[member] = {status: input.value, attempt: 0, timer: null};
    send(member);
  });

  window.addEventListener("online", function () {
    Object.keys(pending).forEach(send);
  });

  window.addEventListener("beforeunload", function (event) {
    if (Object.keys(pending).length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
