// The planner page's script: every move of a slider or an amount goes to the worker, which values
// the plan per posterior draw; the numbers, the gain's histogram and the equivalent command are
// updated in place. Moves made while the worker is busy are merged into the next request.

import type { LiveResult } from "../../src/planning/liveScenario.js";
import { liveText, type ReturnDisplay } from "../../src/planning/liveText.js";
import { planRulesText } from "../../src/planning/scenario.js";
import type { PlannerPayload } from "../../src/server/planner.js";
import { BASE } from "../base.js";
import { drawHistogram } from "./histogram.js";
import type { FromWorker, ToWorker } from "./protocol.js";

/** What a benchmark or test reads: readiness and each re-plan's latency (input → numbers shown). */
interface PlannerProbe {
  ready: boolean;
  updates: number;
  latencies: number[];
  /** The worker's own time per valuation (the rest of a latency is messaging and the DOM). */
  valuations: number[];
  error?: string;
}

const probe: PlannerProbe = { ready: false, updates: 0, latencies: [], valuations: [] };
(window as unknown as { mmmPlanner: PlannerProbe }).mmmPlanner = probe;

const $ = <T extends Element>(selector: string, root: ParentNode = document) =>
  root.querySelector(selector) as T;
const setText = (selector: string, text: string, root: ParentNode = document) => {
  $<HTMLElement>(selector, root).textContent = text;
};

class Planner {
  private readonly rows: HTMLTableRowElement[];
  private readonly references: number[];
  private readonly amounts: number[];
  private readonly worker = new Worker(`${BASE}assets/planner-worker.js`, { type: "module" });
  private readonly status = $<HTMLElement>("#planner-status");
  private readonly run: string;
  private readonly folder: string;
  private readonly horizon: number;
  private readonly display: ReturnDisplay;
  private nextId = 1;
  private busy = false;
  private pending = false;
  private movedAt = 0;

  constructor(form: HTMLFormElement) {
    this.run = form.dataset.run as string;
    this.folder = form.dataset.folder as string;
    this.horizon = Number(form.dataset.horizon);
    this.display = { factor: Number(form.dataset.factor), short: form.dataset.short ?? "ROI" };
    this.rows = [...form.querySelectorAll<HTMLTableRowElement>("tbody tr")];
    this.references = this.rows.map((r) => Number(r.dataset.reference));
    this.amounts = [...this.references];
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.onMessage(e.data);
    this.wireInputs();
    document.querySelector<HTMLButtonElement>("#save-plan")?.addEventListener("click", () => this.save());
  }

  /** Fetches the fit's posterior once and hands it to the worker. */
  async load(): Promise<void> {
    try {
      const res = await fetch(
        `${BASE}api/runs/${encodeURIComponent(this.run)}/planner?horizon=${this.horizon}`,
      );
      const body = await res.json();
      if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
      this.post({ type: "init", payload: body as PlannerPayload });
    } catch (err) {
      probe.error = (err as Error).message;
      this.status.textContent = `Could not load the posterior: ${probe.error}`;
    }
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private send(): void {
    if (!probe.ready) return;
    if (this.busy) {
      this.pending = true;
      return;
    }
    this.busy = true;
    this.post({ type: "evaluate", id: this.nextId++, amounts: [...this.amounts] });
  }

  private wireInputs(): void {
    this.rows.forEach((r, i) => {
      const slider = $<HTMLInputElement>("input[type=range]", r);
      const box = $<HTMLInputElement>("input[type=number]", r);
      slider.addEventListener("input", () => {
        box.value = slider.value;
        this.move(i, Number(slider.value));
      });
      box.addEventListener("input", () => {
        const v = Number(box.value);
        const ok = box.value !== "" && Number.isFinite(v) && v >= 0;
        box.setCustomValidity(ok ? "" : "an amount of zero or more");
        if (!ok) return;
        slider.value = String(v);
        this.move(i, v);
      });
    });
    $<HTMLButtonElement>("#reset").addEventListener("click", () => {
      this.references.forEach((v, i) => {
        this.amounts[i] = v;
      });
      this.movedAt = performance.now();
      this.showInputs();
      this.send();
    });
  }

  /** Channel i moves to `amount`; holding the total, the others share the difference pro rata. */
  private move(i: number, amount: number): void {
    const hold = $<HTMLInputElement>("#hold-total").checked;
    const amounts = this.amounts;
    if (hold) {
      const total = amounts.reduce((s, a) => s + a, 0);
      const a = Math.min(amount, total);
      const others = total - amounts[i];
      const scale = others > 0 ? (total - a) / others : 0;
      amounts.forEach((v, j) => {
        if (j !== i) amounts[j] = v * scale;
      });
      amounts[i] = a;
    } else amounts[i] = amount;
    this.movedAt = performance.now();
    this.showInputs(hold ? undefined : i);
    this.send();
  }

  private showInputs(except?: number): void {
    this.rows.forEach((r, i) => {
      if (i === except) return;
      $<HTMLInputElement>("input[type=range]", r).value = String(Math.round(this.amounts[i]));
      $<HTMLInputElement>("input[type=number]", r).value = String(Math.round(this.amounts[i]));
    });
  }

  private onMessage(msg: FromWorker): void {
    if (msg.type === "error") {
      probe.error = msg.message;
      this.busy = false;
      this.status.textContent = `The planner stopped: ${msg.message}. Reload the page; mmm scenario gives the same numbers.`;
    } else if (msg.type === "ready") {
      probe.ready = true;
      this.status.textContent = `Live: ${msg.draws} posterior draws in this browser (loaded in ${msg.ms.toFixed(0)} ms). Move a slider.`;
    } else {
      this.busy = false;
      this.render(msg.result);
      const latency = performance.now() - this.movedAt;
      probe.latencies.push(latency);
      probe.valuations.push(msg.ms);
      probe.updates++;
      this.status.textContent = `Live: ${msg.result.gainDraws.length} posterior draws; this plan valued in ${msg.ms.toFixed(1)} ms (${latency.toFixed(0)} ms from the move to these numbers).`;
      if (this.pending) {
        this.pending = false;
        this.send();
      }
    }
  }

  /** The outcome cards, the channel rows, the histogram and the command line. */
  private render(r: LiveResult): void {
    const text = liveText(r, this.horizon, this.display);
    setText("#gain", text.gain);
    setText("#gain-range", text.gainRange);
    setText("#p-better", text.pBetter);
    setText("#net", text.net);
    // a KPI without a value in currency has no net, and its card says why instead
    if (r.net) setText("#p-net", text.pNet);
    setText("#extra-spend", text.extraSpend);
    setText("#plan-value", text.value);
    setText("#value-range", text.valueRange);
    setText("#plan-total", text.total);
    setText("#total-change", text.totalChange);
    this.rows.forEach((row, i) => {
      const t = text.rows[i];
      setText(".change", t.change, row);
      ($<HTMLElement>(".weekly", row).firstChild as Text).textContent = t.weekly;
      ($<HTMLElement>(".mroi", row).firstChild as Text).textContent = t.mroi;
      setText(".mroi-range", t.mroiRange, row);
      setText(".p-mroi", t.pMroi, row);
      row.querySelectorAll("td").forEach((td) => {
        td.classList.toggle("extrapolated", t.extrapolated && td.matches(".slider, .amount, .weekly"));
      });
      row.title = t.extrapolated
        ? "above the largest week in the data: the model extrapolates its curve"
        : "";
    });
    drawHistogram($<SVGSVGElement>("#gain-hist"), r.gainDraws);
    setText(
      "#cli-command",
      `mmm scenario ${this.folder} --horizon ${this.horizon} --plan "${planRulesText(r.rows)}"`,
    );
  }

  /** Saves the plan to the registry (the server must run with --allow-save). */
  private async save(): Promise<void> {
    const button = $<HTMLButtonElement>("#save-plan");
    const saveStatus = $<HTMLElement>("#save-status");
    const note = $<HTMLInputElement>("#save-note").value.trim();
    if (!note) {
      saveStatus.textContent = "Write a note first: what is this plan for?";
      return;
    }
    const amounts = Object.fromEntries(
      this.rows.map((r, i) => [r.dataset.channel as string, this.amounts[i]]),
    );
    button.disabled = true;
    try {
      const res = await fetch(`${BASE}api/runs/${encodeURIComponent(this.run)}/plans`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ note, horizonWeeks: this.horizon, amounts }),
      });
      const body = await res.json();
      saveStatus.replaceChildren();
      if (!res.ok) saveStatus.textContent = `Not saved: ${body.error} (${body.fix})`;
      else {
        const link = document.createElement("a");
        link.href = `${BASE}runs/${encodeURIComponent(body.id)}`;
        link.textContent = body.id;
        saveStatus.append("Saved as ", link, " (a draft following this fit).");
      }
    } catch (err) {
      saveStatus.textContent = `Not saved: ${(err as Error).message}`;
    } finally {
      button.disabled = false;
    }
  }
}

const form = document.querySelector<HTMLFormElement>("#planner");
if (form) new Planner(form).load();
