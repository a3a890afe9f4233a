/** `response.status` of an activation and its `statusCode` (OpenWhisk's ActivationResponse). */
export const ACTIVATION_STATUSES = {
  success: 0,
  'application error': 1,
  'action developer error': 2,
  'whisk internal error': 3,
} as const;

/** One of {@link ACTIVATION_STATUSES}. */
export type ActivationStatus = keyof typeof ACTIVATION_STATUSES;

/** The response of an activation. */
export interface ActivationResponse {
  status: ActivationStatus;
  statusCode: number;
  success: boolean;
  result: unknown;
}

/** An OpenWhisk activation record, as `blocking=true` and `GET …/activations/{id}` return it. */
export interface ActivationRecord {
  namespace: string;
  name: string;
  version: string;
  subject: string;
  activationId: string;
  publish: boolean;
  start: number;
  end: number;
  duration: number;
  logs: string[];
  annotations: { key: string; value: unknown }[];
  response: ActivationResponse;
}

/** The response of an activation of status `status` with `result`. */
export function activationResponse(status: ActivationStatus, result: unknown): ActivationResponse {
  return { status, statusCode: ACTIVATION_STATUSES[status], success: status === 'success', result };
}

/** The bounds of an {@link ActivationStore}. */
export interface ActivationStoreLimits {
  /** Records kept at most; the oldest go first. */
  maxRecords: number;
  /** Longest a record is kept, ms. */
  maxAgeMs: number;
  /** Bytes of results and logs kept at most (as their sizes are given to {@link ActivationStore.add}). */
  maxBytes?: number;
}

/**
 * The activations of the last `maxAgeMs`, at most `maxRecords` of them and `maxBytes` of their results and
 * logs (the oldest dropped first), by id; lists are newest first, as OpenWhisk's.
 */
export class ActivationStore {
  private readonly records = new Map<string, ActivationRecord>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly limits: ActivationStoreLimits) {}

  /** Keeps a completed activation whose result and logs take about `bytes`. */
  add(record: ActivationRecord, bytes = 0): void {
    this.records.set(record.activationId, record);
    this.sizes.set(record.activationId, bytes);
    this.bytes += bytes;
    this.prune();
  }

  /** The activation of id `id` in `namespace`, if kept. */
  get(namespace: string, id: string): ActivationRecord | undefined {
    this.prune();
    const record = this.records.get(id);
    return record?.namespace.split('/')[0] === namespace ? record : undefined;
  }

  /** The activations of `namespace` (of action `name` only, if given), newest first, after `skip`, at most `limit`. */
  list(namespace: string, skip: number, limit: number, name?: string): ActivationRecord[] {
    this.prune();
    const out: ActivationRecord[] = [];
    for (const r of [...this.records.values()].reverse()) {
      if (r.namespace.split('/')[0] !== namespace || (name !== undefined && r.name !== name)) continue;
      if (skip > 0) skip--;
      else if (out.length < limit) out.push(r);
      else break;
    }
    return out;
  }

  /** Number of records kept. */
  get size(): number {
    return this.records.size;
  }

  private prune(): void {
    const oldest = Date.now() - this.limits.maxAgeMs;
    const maxBytes = this.limits.maxBytes ?? Infinity;
    for (const [id, r] of this.records) {
      if (this.records.size <= this.limits.maxRecords && r.end >= oldest && this.bytes <= maxBytes) break;
      this.records.delete(id);
      this.bytes -= this.sizes.get(id) ?? 0;
      this.sizes.delete(id);
    }
  }
}
