// Line charts with uPlot (vendor/uPlot.iife.min.js, the npm package's own build, loaded as a
// global by the page frame). A chart is drawn once and given new data in place on each refresh.
import { h } from './table.js';

const COLORS = ['#2f6fde', '#e67e22', '#c0392b'];

/**
 * A chart card with one line per name in `series`: `update([xs, ...ys])`, xs in unix seconds,
 * a null y where there is no value.
 */
export function lineChart(title, { series = [''], bars = false, unit = '' } = {}) {
  const box = h('div', { class: 'chart' });
  const card = h('section', { class: 'card chart-card' }, h('h2', {}, title), box);
  let plot;
  return {
    el: card,
    update(data) {
      if (!globalThis.uPlot) return;
      const width = Math.max(260, box.clientWidth || card.clientWidth - 32 || 300);
      if (!plot) {
        plot = new globalThis.uPlot({
          width, height: 170, legend: { show: series.length > 1 }, cursor: { drag: { x: false, y: false } },
          scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max ?? 1)] } },
          series: [{}, ...series.map((label, i) => ({
            label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: false, value: (_u, v) => (v === null ? '–' : `${Math.round(v)}${unit}`),
            ...(bars ? { fill: 'rgba(47,111,222,0.25)', paths: globalThis.uPlot.paths.bars({ size: [0.8] }) } : {}),
          }))],
          axes: [{}, { size: 48 }],
        }, data, box);
      } else {
        plot.setData(data);
        if (Math.abs(plot.width - width) > 10) plot.setSize({ width, height: 170 });
      }
    },
  };
}

/** [[t, v], …] as uPlot's columns. */
export const columns = (points) => [points.map((p) => p[0]), points.map((p) => p[1])];
