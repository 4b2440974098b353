// Draws the supervisors' charts from JSON the server put in the page; the same figures are in the page as text.
(function () {
  "use strict";
  const css = getComputedStyle(document.documentElement);
  const colour = (name) => css.getPropertyValue(name).trim();

  function width(el) {
    return Math.max(300, el.clientWidth || 600);
  }

  function week(el, data) {
    new uPlot({
      width: width(el), height: 220,
      series: [{}, {label: "Calls", stroke: colour("--focus"), width: 2},
        {label: "Arrived angry", stroke: colour("--angry"), width: 2}],
      axes: [{}, {label: "calls"}],
      scales: {x: {time: true}},
    }, [data.x, data.calls, data.angry], el);
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
      scales: {x: {time: false}, y: {range: [0, 1]}},
      axes: [{label: "seconds into the call"}, {label: "anger"}],
      hooks: {draw: [plot]},
    }, [times, at(data.caller), at(data.agent)], el);
    el.dataset.drawn = String(data.decisions.length);
  }

  function start() {
    const weekData = document.getElementById("week-data");
    if (weekData) week(document.getElementById("week-chart"), JSON.parse(weekData.textContent));
    const timelineData = document.getElementById("timeline-data");
    if (timelineData) timeline(document.getElementById("timeline-chart"), JSON.parse(timelineData.textContent));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
