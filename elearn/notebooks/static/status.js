// Poll a notebook run's status and reload the page when it has finished.
(function () {
  const section = document.getElementById("progress");
  if (!section) return;
  const text = document.getElementById("status-text");
  async function poll() {
    try {
      const state = await (await fetch(section.dataset.statusUrl)).json();
      text.textContent = state.status.charAt(0).toUpperCase() + state.status.slice(1);
      if (state.finished) { window.location.reload(); return; }
    } catch (error) {
      text.textContent = "Waiting for the server";
    }
    setTimeout(poll, 300);
  }
  setTimeout(poll, 200);
})();
