// What an ad platform says it drove. Platforms credit themselves with conversions they touched,
// not conversions they caused: search and affiliates collect demand that existed anyway
// (last-click on a brand query, a coupon code at checkout), display and social add view-through
// credit, while video, CTV and podcast reach people who convert later elsewhere and are
// under-credited; broadcast TV, radio and outdoor report nothing. The lab draws each channel's
// claims from its true incremental contribution and the baseline demand it can intercept, so
// `mmm triangulate` meets the biases a brand meets, with the truth to score them.

export interface PlatformBias {
  /** Credit per true incremental conversion the channel caused. */
  creditFactor: number;
  /** Share of the geo's baseline (non-media) conversions the platform claims in weeks it spends. */
  baselineCapture: number;
}

/** Biases by channel, set from the direction and rough size practitioners report. */
const BIASES: Record<string, PlatformBias> = {
  paid_search: { creditFactor: 1.1, baselineCapture: 0.08 },
  affiliate: { creditFactor: 1.6, baselineCapture: 0.04 },
  display: { creditFactor: 1.8, baselineCapture: 0.01 },
  paid_social: { creditFactor: 1.3, baselineCapture: 0.01 },
  tiktok: { creditFactor: 1.1, baselineCapture: 0 },
  influencer: { creditFactor: 0.5, baselineCapture: 0 },
  online_video: { creditFactor: 0.5, baselineCapture: 0 },
  ctv: { creditFactor: 0.35, baselineCapture: 0 },
  podcast: { creditFactor: 0.3, baselineCapture: 0 },
  tv: { creditFactor: 0, baselineCapture: 0 },
  radio: { creditFactor: 0, baselineCapture: 0 },
  ooh: { creditFactor: 0, baselineCapture: 0 },
};

export function platformBias(channel: string): PlatformBias {
  return BIASES[channel] ?? { creditFactor: 1, baselineCapture: 0 };
}

/**
 * A channel's weekly claimed conversions in one geo: credit on its true contribution plus the
 * baseline demand it intercepts in weeks it spends (expected values; the exports add noise).
 */
export function platformClaims(
  channel: string,
  contribution: Float64Array,
  baseline: Float64Array,
  spendCents: Float64Array,
): Float64Array {
  const b = platformBias(channel);
  return Float64Array.from(contribution, (c, w) =>
    spendCents[w] > 0 ? Math.max(0, b.creditFactor * c + b.baselineCapture * baseline[w]) : 0,
  );
}
