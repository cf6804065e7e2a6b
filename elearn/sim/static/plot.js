// Interactive monitor plots (our own SVG + canvas, no library): 1D with error bars, 2D colour maps,
// overlays of several runs with a difference / ratio view, box and wheel zoom (double-click resets),
// hover read-out of x (y), value ± error and N, linear/log switch, a data table and a text
// description for screen readers. Data comes from the JSON routes written by elearn/sim/plotdata.py.
// A "points" series (a scan: x = scanned values, not bins) links every point to its run.
(function () {
  "use strict";
  if (window.ElearnPlot) return; // a page with several widgets includes this script several times
  const SVG = "http://www.w3.org/2000/svg";
  const W = 640, H = 400, M = { left: 78, right: 24, top: 16, bottom: 52 };
  const BAR = 70; // room for the colour bar of a 2D map
  const COLOURS = ["#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#be123c", "#0e7490"];
  const VIRIDIS = [[68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142],
    [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37]];
  let counter = 0;

  function el(tag, attrs, parent, ns) {
    const node = ns === false ? document.createElement(tag) : document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    if (parent) parent.appendChild(node);
    return node;
  }
  function html(tag, attrs, parent, text) {
    const node = el(tag, attrs, parent, false);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function fmt(value, digits) {
    if (value === null || value === undefined || !isFinite(value)) return "–";
    const [mantissa, exponent] = Number(value).toPrecision(digits || 4).split("e");
    const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa; // 5.755e+10, not 5.755e+1
    return exponent === undefined ? trimmed : trimmed + "e" + exponent;
  }
  function viridis(t) {
    const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1), i = Math.min(Math.floor(x), VIRIDIS.length - 2);
    const f = x - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
    return [0, 1, 2].map((k) => Math.round(a[k] + f * (b[k] - a[k])));
  }
  function niceTicks(low, high, count) {
    const span = high - low;
    if (!(span > 0)) return [low];
    const raw = span / count, power = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => span / s <= count) || 10 * power;
    const ticks = [];
    for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return ticks;
  }
  function logTicks(low, high) {
    const ticks = [];
    for (let p = Math.floor(Math.log10(low)); p <= Math.ceil(Math.log10(high)); p++) {
      const v = Math.pow(10, p);
      if (v >= low && v <= high) ticks.push(v);
    }
    return ticks.length ? ticks : [low, high];
  }
  function flat(values) { return values.flat ? values.flat() : [].concat.apply([], values); }

  // One plot: a list of series (same ndim), or one 2D map.
  function Plot(host, series, options) {
    this.series = series;
    this.options = options || {};
    this.is2d = series[0].ndim === 2;
    this.points = series[0].kind === "points";
    this.log = false;
    this.id = "plot" + (++counter);
    this.host = host;
    this.build();
    this.reset();
  }

  Plot.prototype.build = function () {
    const first = this.series[0];
    const box = html("div", { class: "iplot" }, this.host);
    const tools = html("div", { class: "iplot-tools" }, box);
    const scaleGroup = html("fieldset", { class: "iplot-scale" }, tools);
    html("legend", {}, scaleGroup, this.is2d ? "Colour scale" : "Value axis");
    ["linear", "log"].forEach((scale) => {
      const label = html("label", {}, scaleGroup);
      const input = html("input", { type: "radio", name: this.id + "-scale", value: scale }, label);
      if (scale === "linear") input.checked = true;
      label.append(" " + scale);
      input.addEventListener("change", () => { this.log = scale === "log"; this.reset(); });
    });
    const reset = html("button", { type: "button", class: "iplot-reset" }, tools, "Reset zoom");
    reset.addEventListener("click", () => this.reset());
    this.readout = html("output", { class: "iplot-readout", "aria-live": "polite" }, tools, "");
    const title = this.options.title || (first.label + ": " + first.title);
    this.svg = el("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img",
      "aria-label": title, "aria-describedby": this.id + "-description", class: "iplot-svg" }, box);
    const clip = el("clipPath", { id: this.id + "-clip" }, el("defs", {}, this.svg));
    this.right = W - M.right - (this.is2d ? BAR : 0);
    el("rect", { x: M.left, y: M.top, width: this.right - M.left, height: H - M.top - M.bottom }, clip);
    this.axes = el("g", { class: "iplot-axes" }, this.svg);
    this.layer = el("g", { "clip-path": "url(#" + this.id + "-clip)" }, this.svg);
    this.overlay = el("g", {}, this.svg);
    this.hit = el("rect", { x: M.left, y: M.top, width: this.right - M.left, height: H - M.top - M.bottom,
      class: "iplot-hit" }, this.svg);
    this.description = html("p", { id: this.id + "-description", class: "plot-description" }, box,
      this.series.map((s) => s.description).join(" "));
    this.table(box);
    this.listen();
  };

  Plot.prototype.table = function (box) {
    const details = html("details", { class: "iplot-data" }, box);
    html("summary", {}, details, "Data table");
    this.series.forEach((s) => {
      if (s.kind === "points") {
        const rows = s.x.centres.map((x, i) => [x, s.intensity[i], s.errors[i], { href: s.links[i], text: "run #" + s.runs[i] }]);
        dataTable(details, s.label + ": " + s.vlabel + " per point", [s.xlabel, s.vlabel, "Error", "Run"], rows);
      } else if (s.ndim === 1) {
        const rows = s.x.centres.map((x, i) => [x, s.intensity[i], s.errors[i], s.counts ? s.counts[i] : null]);
        dataTable(details, s.label + ": " + s.title + " per bin",
          [s.xlabel || "x", s.vlabel, "Error", "Events N"], rows);
      } else {
        dataTable(details, s.label + ": sum over " + (s.ylabel || "y") + " per " + (s.xlabel || "x") + " bin",
          [s.xlabel || "x", "Sum of " + s.vlabel.toLowerCase(), "Error"],
          s.x.centres.map((x, i) => [x, s.sums.x.I[i], s.sums.x.E[i]]));
        dataTable(details, s.label + ": sum over " + (s.xlabel || "x") + " per " + (s.ylabel || "y") + " bin",
          [s.ylabel || "y", "Sum of " + s.vlabel.toLowerCase(), "Error"],
          s.y.centres.map((y, i) => [y, s.sums.y.I[i], s.sums.y.E[i]]));
      }
    });
  };

  function dataTable(parent, caption, headings, rows) {
    const table = html("table", { class: "data iplot-table" }, parent);
    html("caption", {}, table, caption);
    const head = html("tr", {}, html("thead", {}, table));
    headings.forEach((h) => html("th", { scope: "col" }, head, h));
    const body = html("tbody", {}, table);
    rows.forEach((row) => {
      const tr = html("tr", {}, body);
      row.forEach((v, i) => {
        const cell = html(i === 0 ? "th" : "td", i === 0 ? { scope: "row" } : {}, tr);
        if (v && v.href) html("a", { href: v.href }, cell, v.text); else cell.textContent = fmt(v, 4);
      });
    });
  }

  // Full data ranges for the current scale: {x0, x1, y0, y1, v0, v1} (v: value, colour for 2D).
  Plot.prototype.extent = function () {
    const first = this.series[0];
    const e = { x0: first.x.min, x1: first.x.max };
    this.series.forEach((s) => { e.x0 = Math.min(e.x0, s.x.min); e.x1 = Math.max(e.x1, s.x.max); });
    if (this.points) { const pad = (e.x1 - e.x0 || Math.abs(e.x0) || 1) * 0.04; e.x0 -= pad; e.x1 += pad; }
    const values = [];
    this.series.forEach((s) => {
      const I = flat(s.intensity), E = flat(s.errors || []);
      I.forEach((v, i) => {
        if (v === null) return;
        const err = this.is2d ? 0 : (E[i] || 0);
        values.push(v - err, v + err, v);
      });
    });
    let low = Math.min.apply(null, values.length ? values : [0]), high = Math.max.apply(null, values.length ? values : [1]);
    if (this.log) {
      const positive = values.filter((v) => v > 0);
      low = positive.length ? Math.min.apply(null, positive) : 1e-3;
      high = positive.length ? Math.max.apply(null, positive) : 1;
      if (!this.is2d) { low /= 2; high *= 2; }
    } else if (!this.is2d) {
      const pad = (high - low || Math.abs(high) || 1) * 0.05;
      low = Math.min(low < 0 ? low - pad : 0, low); high += pad;
    }
    if (high <= low) high = low + (Math.abs(low) || 1);
    e.v0 = low; e.v1 = high;
    if (this.is2d) { e.y0 = first.y.min; e.y1 = first.y.max; } else { e.y0 = low; e.y1 = high; }
    return e;
  };

  Plot.prototype.reset = function () {
    this.full = this.extent();
    this.view = Object.assign({}, this.full);
    this.draw();
  };

  Plot.prototype.sx = function (x) { return M.left + (x - this.view.x0) / (this.view.x1 - this.view.x0) * (this.right - M.left); };
  Plot.prototype.yLog = function () { return this.log && !this.is2d; };
  Plot.prototype.sy = function (y) {
    const v = this.view, top = M.top, bottom = H - M.bottom;
    if (this.yLog()) {
      if (!(y > 0)) return bottom + 10;
      return bottom - (Math.log10(y) - Math.log10(v.y0)) / (Math.log10(v.y1) - Math.log10(v.y0)) * (bottom - top);
    }
    return bottom - (y - v.y0) / (v.y1 - v.y0) * (bottom - top);
  };
  Plot.prototype.invert = function (px, py) {
    const v = this.view, bottom = H - M.bottom;
    const x = v.x0 + (px - M.left) / (this.right - M.left) * (v.x1 - v.x0);
    const f = (bottom - py) / (bottom - M.top);
    const y = this.yLog() ? Math.pow(10, Math.log10(v.y0) + f * (Math.log10(v.y1) - Math.log10(v.y0)))
      : v.y0 + f * (v.y1 - v.y0);
    return [x, y];
  };

  Plot.prototype.draw = function () {
    const v = this.view;
    this.axes.replaceChildren(); this.layer.replaceChildren(); this.overlay.replaceChildren();
    this.svg.dataset.xmin = v.x0; this.svg.dataset.xmax = v.x1;
    this.svg.dataset.ymin = v.y0; this.svg.dataset.ymax = v.y1;
    this.svg.dataset.scale = this.log ? "log" : "linear";
    if (this.is2d) this.drawMap(); else this.drawLines();
    this.drawAxes();
  };

  Plot.prototype.drawAxes = function () {
    const v = this.view, first = this.series[0], bottom = H - M.bottom;
    el("rect", { x: M.left, y: M.top, width: this.right - M.left, height: bottom - M.top, class: "iplot-frame" }, this.axes);
    const xAxis = el("g", { class: "iplot-xaxis" }, this.axes);
    niceTicks(v.x0, v.x1, 7).forEach((t) => {
      const x = this.sx(t);
      el("line", { x1: x, x2: x, y1: bottom, y2: bottom + 5 }, xAxis);
      el("text", { x: x, y: bottom + 18, "text-anchor": "middle" }, xAxis).textContent = fmt(t, 3);
    });
    const xl = el("text", { x: (M.left + this.right) / 2, y: H - 10, "text-anchor": "middle", class: "iplot-label" }, this.axes);
    xl.textContent = first.xlabel || "x";
    const yAxis = el("g", { class: "iplot-yaxis" }, this.axes);
    const ticks = this.yLog() ? logTicks(v.y0, v.y1) : niceTicks(v.y0, v.y1, 6);
    ticks.forEach((t) => {
      const y = this.sy(t);
      el("line", { x1: M.left - 5, x2: M.left, y1: y, y2: y }, yAxis);
      el("line", { x1: M.left, x2: this.right, y1: y, y2: y, class: "iplot-grid" }, yAxis);
      el("text", { x: M.left - 8, y: y + 4, "text-anchor": "end" }, yAxis).textContent = fmt(t, 3);
    });
    const yl = el("text", { x: 14, y: (M.top + bottom) / 2, "text-anchor": "middle", class: "iplot-label",
      transform: "rotate(-90 14 " + (M.top + bottom) / 2 + ")" }, this.axes);
    yl.textContent = this.is2d ? (first.ylabel || "y") : first.vlabel;
  };

  Plot.prototype.drawLines = function () {
    this.series.forEach((s, k) => {
      const colour = COLOURS[k % COLOURS.length];
      const group = el("g", { class: "iplot-series", stroke: colour, fill: colour, "data-label": s.label }, this.layer);
      const points = [];
      s.x.centres.forEach((x, i) => {
        const value = s.intensity[i], error = s.errors ? s.errors[i] : 0;
        if (value === null || (this.log && !(value > 0))) return;
        const px = this.sx(x), py = this.sy(value);
        points.push(px.toFixed(1) + "," + py.toFixed(1));
        if (error) {
          const lowValue = this.log ? Math.max(value - error, this.view.y0 / 10) : value - error;
          el("line", { x1: px, x2: px, y1: this.sy(lowValue), y2: this.sy(value + error), class: "iplot-error" }, group);
        }
        el("circle", { cx: px, cy: py, r: this.points ? 3.5 : 2 }, group);
      });
      el("polyline", { points: points.join(" "), fill: "none", class: "iplot-line" }, group);
    });
    if (this.series.length > 1) {
      const legend = el("g", { class: "iplot-legend" }, this.overlay);
      this.series.forEach((s, k) => {
        const y = M.top + 14 + 16 * k;
        el("rect", { x: this.right - 130, y: y - 9, width: 12, height: 10, fill: COLOURS[k % COLOURS.length] }, legend);
        el("text", { x: this.right - 112, y: y }, legend).textContent = s.label;
      });
    }
  };

  Plot.prototype.colour = function (value) {
    const v = this.view;
    if (value === null) return null;
    if (this.log) return value > 0 ? viridis((Math.log10(value) - Math.log10(v.v0)) / (Math.log10(v.v1) - Math.log10(v.v0))) : null;
    return viridis((value - v.v0) / (v.v1 - v.v0));
  };

  Plot.prototype.drawMap = function () {
    const s = this.series[0], nx = s.shape[0], ny = s.shape[1];
    const canvas = document.createElement("canvas");
    canvas.width = nx; canvas.height = ny;
    const context = canvas.getContext("2d"), image = context.createImageData(nx, ny);
    for (let ix = 0; ix < nx; ix++) {
      for (let iy = 0; iy < ny; iy++) {
        const rgb = this.colour(s.intensity[ix][iy]), offset = ((ny - 1 - iy) * nx + ix) * 4;
        if (rgb) { image.data.set(rgb, offset); image.data[offset + 3] = 255; }
      }
    }
    context.putImageData(image, 0, 0);
    const x0 = this.sx(s.x.min), x1 = this.sx(s.x.max), y0 = this.sy(s.y.max), y1 = this.sy(s.y.min);
    el("image", { href: canvas.toDataURL(), x: x0, y: y0, width: x1 - x0, height: y1 - y0,
      preserveAspectRatio: "none", class: "iplot-map" }, this.layer);
    const bar = document.createElement("canvas");
    bar.width = 1; bar.height = 128;
    const barContext = bar.getContext("2d");
    for (let i = 0; i < 128; i++) {
      const rgb = viridis(1 - i / 127);
      barContext.fillStyle = "rgb(" + rgb.join(",") + ")";
      barContext.fillRect(0, i, 1, 1);
    }
    const left = this.right + 12, top = M.top, bottom = H - M.bottom, v = this.view;
    const group = el("g", { class: "iplot-colourbar" }, this.overlay);
    el("image", { href: bar.toDataURL(), x: left, y: top, width: 14, height: bottom - top, preserveAspectRatio: "none" }, group);
    const ticks = this.log ? logTicks(v.v0, v.v1) : niceTicks(v.v0, v.v1, 5);
    ticks.forEach((t) => {
      const f = this.log ? (Math.log10(t) - Math.log10(v.v0)) / (Math.log10(v.v1) - Math.log10(v.v0)) : (t - v.v0) / (v.v1 - v.v0);
      const y = bottom - f * (bottom - top);
      el("line", { x1: left + 14, x2: left + 18, y1: y, y2: y }, group);
      el("text", { x: left + 20, y: y + 4 }, group).textContent = fmt(t, 2);
    });
  };

  // Bin index of x in a series (null outside)
  function bin(axis, x) {
    const n = axis.centres.length, i = Math.floor((x - axis.min) / (axis.max - axis.min) * n);
    return i >= 0 && i < n ? i : null;
  }

  // The point of a points series nearest to px on screen (within 12 px), or null.
  Plot.prototype.nearest = function (px) {
    const s = this.series[0];
    let best = null;
    s.x.centres.forEach((x, i) => {
      const distance = Math.abs(this.sx(x) - px);
      if (s.intensity[i] !== null && distance <= 12 && (best === null || distance < best.distance)) best = { i: i, distance: distance };
    });
    return best && best.i;
  };

  Plot.prototype.hoverPoint = function (px) {
    const s = this.series[0], i = this.nearest(px);
    this.readout.replaceChildren();
    if (i === null) return;
    this.readout.append(s.xlabel + " = " + fmt(s.x.centres[i]) + ": " + fmt(s.intensity[i]) + " ± " + fmt(s.errors[i], 2) + " · ");
    html("a", { href: s.links[i] }, this.readout, "run #" + s.runs[i]);
  };

  Plot.prototype.hover = function (px, py) {
    if (this.points) return this.hoverPoint(px);
    const [x, y] = this.invert(px, py);
    const parts = [];
    this.series.forEach((s) => {
      const ix = bin(s.x, x);
      if (ix === null) return;
      const events = (value) => (value === null || value === undefined ? "" : " (N = " + fmt(value, 6) + ")");
      if (this.is2d) {
        const iy = bin(s.y, y);
        if (iy === null) return;
        parts.push(s.xlabel + " = " + fmt(s.x.centres[ix]) + ", " + s.ylabel + " = " + fmt(s.y.centres[iy]) + ": " +
          fmt(s.intensity[ix][iy]) + " ± " + fmt(s.errors[ix][iy], 2) + events(s.counts && s.counts[ix][iy]));
      } else {
        const prefix = this.series.length > 1 ? s.label + ": " : s.xlabel + " = " + fmt(s.x.centres[ix]) + ": ";
        parts.push(prefix + fmt(s.intensity[ix]) + " ± " + fmt(s.errors[ix], 2) + events(s.counts && s.counts[ix]));
      }
    });
    if (this.series.length > 1 && !this.is2d && parts.length) parts.unshift(this.series[0].xlabel + " = " + fmt(x));
    this.readout.textContent = parts.join("; ");
  };

  Plot.prototype.point = function (event) {
    const rect = this.svg.getBoundingClientRect();
    return [(event.clientX - rect.left) * W / rect.width, (event.clientY - rect.top) * H / rect.height];
  };

  Plot.prototype.zoomTo = function (xa, xb, ya, yb) {
    const [x0, y0] = this.invert(Math.min(xa, xb), Math.max(ya, yb));
    const [x1, y1] = this.invert(Math.max(xa, xb), Math.min(ya, yb));
    this.view = Object.assign({}, this.view, { x0: x0, x1: x1, y0: y0, y1: y1 });
    this.draw();
  };

  Plot.prototype.listen = function () {
    let start = null, box = null;
    this.hit.addEventListener("mousedown", (event) => {
      start = this.point(event);
      box = el("rect", { class: "iplot-zoombox", x: start[0], y: start[1], width: 0, height: 0 }, this.svg);
      event.preventDefault();
    });
    this.hit.addEventListener("mousemove", (event) => {
      const [px, py] = this.point(event);
      this.hover(px, py);
      if (start && box) {
        box.setAttribute("x", Math.min(px, start[0])); box.setAttribute("y", Math.min(py, start[1]));
        box.setAttribute("width", Math.abs(px - start[0])); box.setAttribute("height", Math.abs(py - start[1]));
      }
    });
    const finish = (event) => {
      if (!start) return;
      const end = this.point(event);
      if (box) box.remove();
      if (Math.abs(end[0] - start[0]) > 4 && Math.abs(end[1] - start[1]) > 4) this.zoomTo(start[0], end[0], start[1], end[1]);
      else if (this.points && event.type === "mouseup" && this.nearest(end[0]) !== null) {
        window.location.href = this.series[0].links[this.nearest(end[0])];
      }
      start = box = null;
    };
    this.hit.addEventListener("mouseup", finish);
    this.hit.addEventListener("mouseleave", (event) => { finish(event); });
    this.hit.addEventListener("dblclick", () => this.reset());
    this.hit.addEventListener("wheel", (event) => {
      event.preventDefault();
      const [px, py] = this.point(event), factor = event.deltaY < 0 ? 0.8 : 1.25;
      const xa = px - (px - M.left) * factor, xb = px + (this.right - px) * factor;
      const ya = this.is2d ? py - (py - M.top) * factor : M.top, yb = this.is2d ? py + (H - M.bottom - py) * factor : H - M.bottom;
      this.zoomTo(xa, xb, ya, yb);
    }, { passive: false });
  };

  async function fetchJson(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) throw new Error("The plot data could not be loaded (" + response.status + ").");
    return response.json();
  }

  function failed(host, error) {
    html("p", { class: "flash error" }, host, error.message);
  }

  // One run's monitor into host.
  async function loadMonitor(host, url) {
    try {
      const data = await fetchJson(url);
      host.classList.add("iplot-ready");
      return new Plot(host.querySelector(".iplot-host") || host, [data]);
    } catch (error) { failed(host, error); }
  }

  // Several runs' monitor: overlay (1D on one plot, 2D side by side), difference and ratio views.
  async function loadComparison(host, url) {
    let data;
    try { data = await fetchJson(url); } catch (error) { failed(host, error); return; }
    const target = host.querySelector(".iplot-host") || host;
    const views = html("fieldset", { class: "iplot-views" }, target);
    html("legend", {}, views, "Show");
    const panels = {};
    const choices = [["overlay", "Overlay"], ["difference", "Difference"], ["ratio", "Ratio"]];
    choices.forEach(([key, text]) => {
      const label = html("label", {}, views);
      const input = html("input", { type: "radio", name: "view-" + (++counter), value: key }, label);
      label.append(" " + text + (key !== "overlay" && data[key] ? " (" + data[key].label + ")" : ""));
      if (key === "overlay") input.checked = true;
      if (key !== "overlay" && !data[key]) input.disabled = true;
      input.addEventListener("change", () => Object.entries(panels).forEach(([name, panel]) => { panel.hidden = name !== key; }));
      panels[key] = html("div", { class: "iplot-panel iplot-" + key }, target);
      if (key !== "overlay") panels[key].hidden = true;
    });
    if (data.series[0].ndim === 1) new Plot(panels.overlay, data.series, { title: data.series.map((s) => s.label).join(", ") });
    else data.series.forEach((s) => new Plot(html("div", { class: "iplot-side" }, panels.overlay), [s]));
    ["difference", "ratio"].forEach((key) => { if (data[key]) new Plot(panels[key], [data[key]]); });
    if (data.refused) html("p", { class: "flash error iplot-refused" }, target, "No difference view: " + data.refused + ".");
    host.classList.add("iplot-ready");
  }

  // A scan's monitor: integrated intensity against the scanned value, and the peak position for 1D.
  async function loadScan(host, url) {
    try {
      const data = await fetchJson(url), target = host.querySelector(".iplot-host") || host;
      new Plot(target, [data.intensity], { title: data.intensity.label + ": " + data.intensity.vlabel + " against " + data.intensity.xlabel });
      if (data.peak) new Plot(target, [data.peak], { title: data.peak.label + ": " + data.peak.vlabel + " against " + data.peak.xlabel });
      host.classList.add("iplot-ready");
    } catch (error) { failed(host, error); }
  }

  window.ElearnPlot = { loadMonitor: loadMonitor, loadComparison: loadComparison, loadScan: loadScan, fetchJson: fetchJson };
  document.querySelectorAll("[data-plot-url]").forEach((host) => loadMonitor(host, host.dataset.plotUrl));
  document.querySelectorAll("[data-scan-url]").forEach((host) => loadScan(host, host.dataset.scanUrl));
  document.querySelectorAll("[data-compare-url]").forEach((host) => loadComparison(host, host.dataset.compareUrl));
})();
