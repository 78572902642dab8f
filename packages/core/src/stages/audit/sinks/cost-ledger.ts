import type { AuditRecord } from '../record.js';
import type { AuditSink } from '../sink.js';

interface ModelBucket {
  provider: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  requests: number;
  priced_requests: number;
  unpriced_requests: number;
}

export interface ModelCosts extends Readonly<ModelBucket> {
  readonly pricing_status: 'priced' | 'unpriced' | 'partial';
}

/** cllama's `GET /costs/api` shape. */
export interface CostsSnapshot {
  readonly total_cost_usd: number;
  readonly total_requests: number;
  readonly unpriced_requests: number;
  readonly agents: Readonly<Record<string, {
    readonly total_cost_usd: number;
    readonly total_requests: number;
    readonly unpriced_requests: number;
    readonly models: readonly ModelCosts[];
  }>>;
}

export interface CostLedger extends AuditSink {
  snapshot(): CostsSnapshot;
}

/**
 * In-memory spend per (agent, provider, model), fed by audit records; serves cllama's `/costs/api`.
 * Like cllama it counts requests that carried usage (a refused request cost nothing); an unpriced
 * one is counted as such, never as $0.
 *
 * @example
 * const costs = costLedger();
 * app.use(gateway({ audit: { sink: [stdoutSink(), costs] } }));
 * ui.get('/costs/api', (_req, res) => res.json(costs.snapshot()));
 */
export function costLedger(): CostLedger {
  const agents = new Map<string, Map<string, ModelBucket>>();
  return {
    write(record: AuditRecord): void {
      if (record.claw_id === null || record.provider === undefined) return;
      if (record.tokens_in === undefined && record.tokens_out === undefined && record.cost_usd === undefined) return;
      const model = record.upstream_model ?? record.model ?? '';
      let models = agents.get(record.claw_id);
      if (!models) agents.set(record.claw_id, (models = new Map()));
      const key = `${record.provider}/${model}`;
      let bucket = models.get(key);
      if (!bucket) {
        bucket = { provider: record.provider, model, input_tokens: 0, output_tokens: 0, cost_usd: 0, requests: 0, priced_requests: 0, unpriced_requests: 0 };
        models.set(key, bucket);
      }
      bucket.requests++;
      bucket.input_tokens += record.tokens_in ?? 0;
      bucket.output_tokens += record.tokens_out ?? 0;
      if (record.cost_usd === undefined) bucket.unpriced_requests++;
      else {
        bucket.priced_requests++;
        bucket.cost_usd += record.cost_usd;
      }
    },
    snapshot(): CostsSnapshot {
      let totalCost = 0;
      let totalRequests = 0;
      let totalUnpriced = 0;
      const out: Record<string, CostsSnapshot['agents'][string]> = {};
      for (const [agent, models] of agents) {
        const list = [...models.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([, b]): ModelCosts => ({
            ...b,
            pricing_status: b.unpriced_requests === 0 ? 'priced' : b.priced_requests === 0 ? 'unpriced' : 'partial',
          }));
        const cost = list.reduce((s, m) => s + m.cost_usd, 0);
        const requests = list.reduce((s, m) => s + m.requests, 0);
        const unpriced = list.reduce((s, m) => s + m.unpriced_requests, 0);
        out[agent] = { total_cost_usd: cost, total_requests: requests, unpriced_requests: unpriced, models: list };
        totalCost += cost;
        totalRequests += requests;
        totalUnpriced += unpriced;
      }
      return { total_cost_usd: totalCost, total_requests: totalRequests, unpriced_requests: totalUnpriced, agents: out };
    },
  };
}
