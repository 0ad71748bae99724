// Does the evidence agree? Per channel, side by side: the MMM's ROI (before and after
// calibration when both fits are given), what each lift test implies, what the model says of that
// same test, and what the ad platform claims — with the platform's over- or under-credit against
// the calibrated MMM, and a verdict of which number to use for what.

import type { ChannelDraws } from "./channelMetrics.js";
import type { ExperimentCheck } from "./experimentEvidence.js";
import { type Interval, summarise } from "./summaries.js";

/** A platform's own attribution for a channel over the same window: spend and attributed KPI. */
export interface PlatformClaim {
  channel: string;
  spend: number;
  attributed: number;
}

export interface ChannelTriangulation {
  channel: string;
  /** The MMM's ROI over the window: the calibrated (or only) fit, and the uncalibrated one if given. */
  mmm: Interval;
  mmmUncalibrated: Interval | null;
  tests: {
    id: string;
    kind: string;
    testIroas: Interval;
    modelIroas: Interval;
    pValue: number;
    tension: boolean;
  }[];
  /** Platform-attributed return (attributed × value ÷ spend), and its ratio to the MMM's mean ROI. */
  platformRoas: number | null;
  platformCreditRatio: number | null;
  verdict: string;
}

export function triangulate(
  measures: ChannelDraws[],
  checks: ExperimentCheck[],
  options: { valuePerUnit: number; uncalibrated?: ChannelDraws[]; platform?: PlatformClaim[] },
): ChannelTriangulation[] {
  return measures.map((m) => {
    const before = options.uncalibrated?.find((u) => u.channel === m.channel);
    const claim = options.platform?.find((p) => p.channel === m.channel);
    const mmm = summarise(m.roi);
    const platformRoas =
      claim && claim.spend > 0 ? (claim.attributed * options.valuePerUnit) / claim.spend : null;
    const tests = checks
      .filter((c) => c.channel === m.channel)
      .map((c) => ({
        id: c.id,
        kind: c.kind,
        testIroas: c.testIroas,
        modelIroas: c.modelIroas,
        pValue: c.pValue,
        tension: c.tension,
      }));
    const platformCreditRatio = platformRoas !== null && mmm.mean > 0 ? platformRoas / mmm.mean : null;
    return {
      channel: m.channel,
      mmm,
      mmmUncalibrated: before ? summarise(before.roi) : null,
      tests,
      platformRoas,
      platformCreditRatio,
      verdict: verdict(mmm, tests, platformCreditRatio),
    };
  });
}

function verdict(mmm: Interval, tests: ChannelTriangulation["tests"], credit: number | null): string {
  const parts: string[] = [];
  if (tests.length === 0) parts.push("no test: the MMM's ROI rests on history and priors alone");
  else if (tests.some((t) => t.tension))
    parts.push("a test disagrees with the rest of the evidence: check the test before moving budget on it");
  else parts.push(`${tests.length} test(s) agree with the model`);
  const width = mmm.q95 - mmm.q05;
  if (mmm.mean > 0 && width > mmm.mean)
    parts.push("the ROI interval is wider than the ROI itself: a test would pay");
  if (credit !== null) {
    if (credit > 1.5) parts.push(`the platform claims ${credit.toFixed(1)}× the MMM's return (over-credit)`);
    else if (credit < 0.67)
      parts.push(`the platform claims ${credit.toFixed(1)}× the MMM's return (under-credit)`);
    else parts.push("the platform's claim is near the MMM's");
  }
  return parts.join("; ");
}

/** Which number to use for what: the reconciliation a finance reader asks for. */
export const RECONCILIATION = [
  "Budget between channels: the calibrated MMM's ROI and marginal ROI — they count every channel on the same incremental scale, with carryover and saturation.",
  "A channel's level of return: the lift tests where they exist (they measure incrementality directly), through the calibrated MMM, which already agrees with them.",
  "Tactics inside a channel (campaigns, creatives, bids): the platform's attribution, read as a ranking, not as incremental return — scale it by the channel's credit ratio.",
];
