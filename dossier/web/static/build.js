// The build page follows a running build without reloading: it asks /build/status each
// second, shows the step and how far it is, and reloads once the build has ended (the
// page then lists the outputs). Without JavaScript the page reloads itself instead.
(function () {
  "use strict";
  var status = document.getElementById("build-progress");
  if (!status || status.getAttribute("data-state") !== "running") { return; }
  var bar = document.getElementById("build-bar");
  function ask() {
    fetch("/build/status", {credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (job.state !== "running") { window.location.reload(); return; }
        var text = status.getAttribute("data-label").trim() + " " + job.step;
        if (job.total) {
          text += " (" + job.done + "/" + job.total + ")";
          if (bar) { bar.max = job.total; bar.value = job.done; }
        }
        status.textContent = text;
        window.setTimeout(ask, 1000);
      })
      .catch(function () { window.setTimeout(ask, 3000); });
  }
  window.setTimeout(ask, 1000);
}());
