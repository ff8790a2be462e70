// The progress page of a report file (templates/reports/export.html): asks
// the API how far it has got every two seconds and updates the progress bar
// and the status text (a polite live region, so a screen reader hears each
// step once). When the file is ready the download link appears. Without
// JavaScript the page's "Check again" link does the same by reloading.
(function () {
  "use strict";
  var box = document.querySelector(".export-progress[data-status-url]");
  if (!box || !window.fetch) return;
  var bar = document.getElementById("export-progress");
  var step = document.getElementById("export-step");
  var ready = document.getElementById("export-ready");
  var refresh = document.getElementById("export-refresh");
  var last = step.textContent;

  function say(text) {
    if (text !== last) {
      step.textContent = text;
      last = text;
    }
  }

  function poll() {
    fetch(box.getAttribute("data-status-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
        if (data.status === "done") {
          say("Ready to download.");
          ready.hidden = false;
          if (refresh) refresh.hidden = true;
        } else if (data.status === "failed") {
          say("The file could not be made: " + data.error);
          if (refresh) refresh.hidden = true;
        } else {
          say(data.percent + "% done: " + data.step + ".");
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
