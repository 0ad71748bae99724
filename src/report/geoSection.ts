// "By geo" (geo models only): each channel's return in each geo, largest geos first, and how far
// the geos' effects sit from the national one once partially pooled — a geo with little data is
// pulled toward the national effect, so its interval shows the shrinkage as well as the data.

import { compact } from "../analysis/numberFormat.js";
import { intervalCell } from "./elements.js";
import type { ReportData } from "./reportData.js";
import { html, type SafeHtml } from "./safeHtml.js";
import { table } from "./tables.js";

export function geoSection(data: ReportData): SafeHtml {
  const geo = data.geo;
  if (!geo) return html``;
  const { channels, geos } = geo;
  const total = geos.map((_, g) => channels.reduce((s, c) => s + c.spend[g], 0));
  const order = geos.map((_, g) => g).sort((a, b) => total[b] - total[a]);
  const unit = data.fit.roi_display.unit;
  const partial = channels.some((c) => c.effectRatio !== null);
  const rows = order.map((g) => [geos[g], compact(total[g]), ...channels.map((c) => intervalCell(c.roi[g]))]);
  const marginal = order.map((g) => [geos[g], ...channels.map((c) => intervalCell(c.mroi[g]))]);
  return html`<h2 id="geo">By geo</h2>
<p class="lede">${
    partial
      ? "Each channel's effect is partially pooled across geos: a geo's own data move it away from the national effect as far as they can, and a geo with little data stays close to it."
      : "Each channel has one effect for every geo (pooled): geos differ only through their spend, its timing and saturation."
  }</p>
${partial ? spreadTable(data) : ""}
${table(
  [
    "geo",
    { label: `spend (${data.fit.currency})`, numeric: true },
    ...channels.map((c) => ({ label: c.channel, numeric: true })),
  ],
  rows,
  `${data.fit.roi_display.short} per geo (${unit}): posterior mean and 90% interval, geos by total spend`,
)}
${table(
  ["geo", ...channels.map((c) => ({ label: c.channel, numeric: true }))],
  marginal,
  `Marginal ${data.fit.roi_display.short} per geo (${unit}): what the next unit of spend returns in each geo (mmm optimize --by-geo moves money toward the highest)`,
)}`;
}

/** Per channel: how much geos differ (the geos' effect ÷ the national one), the highest and lowest geo. */
function spreadTable(data: ReportData): SafeHtml {
  const geo = data.geo as NonNullable<ReportData["geo"]>;
  const rows = geo.channels
    .filter((c) => c.effectRatio !== null)
    .map((c) => {
      const ratios = c.effectRatio as NonNullable<typeof c.effectRatio>;
      const byMean = ratios.map((r, g) => ({ g, r })).sort((a, b) => b.r.mean - a.r.mean);
      const top = byMean[0];
      const bottom = byMean[byMean.length - 1];
      return [
        c.channel,
        `${bottom.r.mean.toFixed(2)}× – ${top.r.mean.toFixed(2)}×`,
        html`${geo.geos[top.g]} ${intervalCell(top.r)}`,
        html`${geo.geos[bottom.g]} ${intervalCell(bottom.r)}`,
      ];
    });
  return table(
    [
      "channel",
      { label: "geo effects ÷ national (range of means)", numeric: true },
      "highest geo",
      "lowest geo",
    ],
    rows,
    "How much the geos differ",
  );
}
