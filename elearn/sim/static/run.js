// Poll a running simulation's (or scan's) status and reload the page when it has finished.
(function () {
  const section = document.getElementById("progress");
  if (!section) return;
  const bar = document.getElementById("progress-bar");
  const text = document.getElementById("status-text");
  async function poll() {
    try {
      const response = await fetch(section.dataset.statusUrl, { headers: { Accept: "application/json" } });
      const state = await response.json();
      bar.value = state.progress;
      bar.textContent = Math.round(state.progress * 100) + " %";
      text.textContent = state.label || state.status.charAt(0).toUpperCase() + state.status.slice(1) +
        (state.status === "running" ? " (" + Math.round(state.progress * 100) + " %)" : "");
      if (state.finished) { window.location.reload(); return; }
    } catch (error) {
      text.textContent = "Waiting for the server";
    }
    setTimeout(poll, 400);
  }
  setTimeout(poll, 200);
})();
