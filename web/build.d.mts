/** Bundles web/ into `outdir` (default dist/web/) and returns the folder. */
export function bundleWeb(outdir?: string): Promise<string>;
export const ENTRY_POINTS: Record<string, string>;
