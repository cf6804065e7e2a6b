// Attempt page: autosave answers as they change, count down the time limit, submit at zero.
(function () {
  "use strict";
  const form = document.getElementById("attempt-form");
  if (!form) return;
  const state = form.querySelector(".save-state");
  let timer = null;
  let submitting = false;

  async function save() {
    timer = null;
    const data = new FormData(form);
    try {
      const response = await fetch(form.dataset.saveUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "X-CSRFToken": data.get("csrf_token") },
      });
      const body = await response.json();
      state.textContent = body.saved ? "Saved at " + new Date().toLocaleTimeString() : body.message;
      form.dataset.saved = body.saved ? "yes" : "no";
    } catch (error) {
      state.textContent = "Not saved (offline?): your answers will be sent when you submit.";
    }
  }

  function later() {
    form.dataset.saved = "pending";
    state.textContent = "Saving…";
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 800);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("submit", function () { submitting = true; if (timer) clearTimeout(timer); });

  const clock = document.querySelector(".timer");
  if (clock) {
    const deadline = new Date(clock.dataset.deadline).getTime();
    const remaining = clock.querySelector(".remaining");
    const tick = function () {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      remaining.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left === 0 && !submitting) { submitting = true; form.submit(); return; }
      setTimeout(tick, 1000);
    };
    tick();
  }
})();
