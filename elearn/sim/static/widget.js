// The inline simulation widget of a theory page (elearn/sim/widget.py renders its HTML, the same for
// every reader). Per reader it asks form.json for the course ranges and a CSRF token, posts the run to
// the course's run route (JSON mode: same validation, queue and cache as the instrument page), shows
// progress, then the interactive plots (plot.js). Without JavaScript the form opens the instrument page.
(function () {
  "use strict";
  if (window.ElearnWidgets) return; // the script tag repeats with every widget on a page
  window.ElearnWidgets = true;

  function text(node, value) { node.textContent = value; }
  function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

  async function setUp(widget) {
    const form = widget.querySelector("form");
    const button = form.querySelector("button[type=submit]");
    const message = widget.querySelector(".sim-widget-message");
    let info;
    try {
      info = await window.ElearnPlot.fetchJson(widget.dataset.formUrl);
    } catch (error) {
      return; // the plain form still opens the instrument page
    }
    Object.entries(info.ranges).forEach(([name, bounds]) => {
      const input = form.querySelector("input:not([type=hidden])[data-param='" + name + "']");
      if (!input) return;
      input.min = bounds[0]; input.max = bounds[1];
      const help = document.getElementById(input.getAttribute("aria-describedby"));
      if (help) help.append(" (" + bounds[0] + " to " + bounds[1] + " in this course)");
    });
    if (!info.signed_in) {
      button.hidden = true;
      const link = document.createElement("a");
      link.href = info.login_url + "?next=" + encodeURIComponent(window.location.pathname);
      link.textContent = "Sign in to run";
      message.replaceChildren(link, " this simulation.");
      return;
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run(widget, info.csrf_token, button, message);
    });
  }

  async function run(widget, token, button, message) {
    const body = new FormData();
    widget.querySelectorAll("[data-param]").forEach((input) => body.append("p:" + input.dataset.param, input.value));
    body.append("ncount", widget.dataset.ncount);
    body.append("seed", "1"); // readers asking the same question share one cached run
    button.disabled = true;
    text(message, "");
    const progress = widget.querySelector(".sim-widget-progress");
    const bar = progress.querySelector("progress"), state = progress.querySelector(".sim-widget-state");
    const plots = widget.querySelector(".sim-widget-plots");
    try {
      const response = await fetch(widget.dataset.runUrl, { method: "POST", body: body, credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token } });
      const started = await response.json().catch(() => ({ error: "The server refused the run (" + response.status + ")." }));
      if (!response.ok) throw new Error(started.error || "The run was refused.");
      progress.hidden = false;
      let status = { status: started.status, progress: 0, finished: started.status === "done" };
      while (!status.finished) {
        await sleep(400);
        status = await window.ElearnPlot.fetchJson(started.status_url);
        bar.value = status.progress;
        text(state, status.status + " " + Math.round(status.progress * 100) + " %");
      }
      progress.hidden = true;
      if (status.status !== "done") throw new Error("The run " + status.status + ": " + (status.message || ""));
      plots.replaceChildren();
      const link = document.createElement("a");
      link.href = started.run_url;
      link.textContent = "Run #" + started.run_id + " (all plots and data)";
      plots.append(link);
      widget.dataset.monitors.split(" ").filter(Boolean).forEach((name) => {
        const figure = document.createElement("figure");
        figure.className = "plot";
        const caption = document.createElement("figcaption");
        caption.textContent = name;
        figure.append(caption);
        plots.append(figure);
        window.ElearnPlot.loadMonitor(figure, started.data_url.replace("MONITOR", encodeURIComponent(name)));
      });
    } catch (error) {
      progress.hidden = true;
      text(message, error.message);
    } finally {
      button.disabled = false;
    }
  }

  document.querySelectorAll(".sim-widget").forEach(setUp);
})();
