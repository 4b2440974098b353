// Draws the supervisors' charts from JSON the server put in the page; the same figures are in the page as text.
(function () {
  "use strict";
  const css = getComputedStyle(document.documentElement);
  const colour = (name) => css.getPropertyValue(name).trim();

  function width(el) {
    return Math.max(300, el.clientWidth || 600);
  }

  // One tick a day, named by the server on the operator's calendar (a time axis would tick hours in the
  // browser's own zone).
  function week(el, data) {
    const days = data.x.map((_, i) => i);
    const label = (i) => data.labels[Math.round(i)] || "";
    el.replaceChildren();
    new uPlot({
      width: width(el), height: 220,
      series: [{label: "Day", value: (u, i) => i == null ? "" : label(i)},
        {label: "Calls", stroke: colour("--focus"), width: 2},
        {label: "Arrived angry", stroke: colour("--angry"), width: 2}],
      axes: [{splits: () => days, values: (u, splits) => splits.map(label)}, {label: "calls"}],
      scales: {x: {time: false, range: [-0.25, days.length - 0.75]}},
    }, [days, data.calls, data.angry], el);
  }

  // Anger of each speaker over the call; venting stretches shaded, the line's decisions as labelled lines.
  function timeline(el, data) {
    const times = Array.from(new Set(data.caller.map(p => p[0]).concat(data.agent.map(p => p[0])))).sort((a, b) => a - b);
    const at = (points) => times.map(t => { const p = points.find(q => q[0] === t); return p ? p[1] : null; });
    if (times.length === 0) {
      el.textContent = "Nobody has spoken yet.";
      return;
    }
    const plot = (u) => {
      const ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
      ctx.save();
      ctx.fillStyle = "rgba(180, 35, 24, 0.12)";
      for (const [from, to] of data.venting) {
        const x0 = u.valToPos(from, "x", true), x1 = u.valToPos(to, "x", true);
        ctx.fillRect(x0, top, Math.max(2, x1 - x0), height);
      }
      ctx.strokeStyle = colour("--muted");
      ctx.fillStyle = colour("--fg");
      ctx.setLineDash([4, 4]);
      ctx.font = (12 * devicePixelRatio) + "px system-ui";
      for (const [t, action] of data.decisions) {
        const x = u.valToPos(t, "x", true);
        ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
        ctx.fillText(action, x + 3, top + 12 * devicePixelRatio);
      }
      ctx.restore();
    };
    new uPlot({
      width: width(el), height: 260,
      series: [{label: "seconds"},
        {label: "Caller", stroke: colour("--angry"), width: 2, spanGaps: true, points: {show: true}},
        {label: "Agent", stroke: colour("--focus"), width: 2, spanGaps: true, points: {show: true}}],
      // From the call's first moment (the greeting) to its end, so every decision's mark is on the chart.
      scales: {x: {time: false, range: [0, Math.max(data.end || 0, times[times.length - 1])]}, y: {range: [0, 1]}},
      axes: [{label: "seconds into the call"}, {label: "anger"}],
      hooks: {draw: [plot]},
    }, [times, at(data.caller), at(data.agent)], el);
    el.dataset.drawn = String(data.decisions.length);
  }

  function drawWeek() {
    const weekData = document.getElementById("week-data");
    if (weekData) week(document.getElementById("week-chart"), JSON.parse(weekData.textContent));
  }

  function start() {
    drawWeek();
    // The dashboard's figures arrive live, chart data included: draw the new chart each time.
    document.addEventListener("htmx:sseMessage", (e) => { if (e.target.id === "figures") drawWeek(); });
    const timelineData = document.getElementById("timeline-data");
    if (timelineData) timeline(document.getElementById("timeline-chart"), JSON.parse(timelineData.textContent));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
