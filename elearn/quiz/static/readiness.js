// Exam readiness page: refresh the run counts and each run's state while runs are queued or running.
(function () {
  "use strict";
  const counts = document.getElementById("readiness-counts");
  if (!counts) return;

  async function poll() {
    let body;
    try {
      const response = await fetch(counts.dataset.statusUrl, { credentials: "same-origin" });
      body = await response.json();
    } catch (error) {
      setTimeout(poll, 5000);
      return;
    }
    for (const [state, count] of Object.entries(body.counts)) {
      const cell = counts.querySelector('[data-count="' + state + '"]');
      if (cell) cell.textContent = count;
    }
    document.querySelectorAll(".run-state").forEach(function (cell) {
      if (body.runs[cell.dataset.key]) cell.textContent = body.runs[cell.dataset.key];
    });
    if (body.counts.queued + body.counts.running > 0) setTimeout(poll, 2000);
  }

  poll();
})();
