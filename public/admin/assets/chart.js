// Line charts with uPlot (vendor/uPlot.iife.min.js, the npm package's own build, loaded as a
// global by the page frame). A chart is redrawn with new data in place on every refresh.
import { h } from './table.js';

/** A chart card: `update(points)` with [unix seconds, value] pairs. */
export function lineChart(title, { bars = false } = {}) {
  const box = h('div', { class: 'chart' });
  const card = h('section', { class: 'card chart-card' }, h('h2', {}, title), box);
  let plot;
  return {
    el: card,
    update(points) {
      const data = [points.map((p) => p[0]), points.map((p) => p[1])];
      if (!globalThis.uPlot) return void box.replaceChildren(`${points.reduce((s, p) => s + p[1], 0)} in all`);
      const width = Math.max(260, box.clientWidth || card.clientWidth - 24 || 300);
      if (!plot) {
        plot = new globalThis.uPlot({
          width, height: 160, legend: { show: false }, cursor: { drag: { x: false, y: false } },
          scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
          series: [{}, { stroke: '#2f6fde', fill: 'rgba(47,111,222,0.12)', width: 2, ...(bars ? { paths: globalThis.uPlot.paths.bars({ size: [0.8] }) } : {}) }],
          axes: [{}, { size: 40 }],
        }, data, box);
      } else {
        plot.setData(data);
        if (Math.abs(plot.width - width) > 10) plot.setSize({ width, height: 160 });
      }
    },
  };
}
