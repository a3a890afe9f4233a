/**
 * TEST SUPPORT ONLY: a minimal in-memory TimeseriesStore for the API tests, used when the embedded file
 * store is not available. It keeps the index in maps and one MetricSeries per metric; it is not durable,
 * not concurrent-safe and not meant for production.
 */
import { TimeseriesError } from '../errors.js';
import { MetricSeries } from '../metric-series.js';
import type { ArchivePolicy, ArchivePolicyRule, Metric, Point, Resource, ResourceType } from '../model.js';
import type { MeasureBatch, MeasuresQuery, StoreStatus, TimeseriesStore } from '../store.js';
import { checkMeasuresQuery, tooOldError } from '../store-checks.js';

const byKey = <T>(items: Iterable<T>, key: (t: T) => string): T[] =>
  [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

const clone = <T>(value: T): T => structuredClone(value);

/** In-memory store for tests (see the file comment). */
export class MemoryTimeseriesStore implements TimeseriesStore {
  private readonly policies = new Map<string, ArchivePolicy>();
  private readonly rules = new Map<string, ArchivePolicyRule>();
  private readonly metrics = new Map<string, Metric>();
  private readonly series = new Map<string, MetricSeries>();
  private readonly types = new Map<string, ResourceType>();
  private readonly resources = new Map<string, Resource>();
  private rejected = 0;

  async createArchivePolicy(policy: ArchivePolicy): Promise<void> {
    if (this.policies.has(policy.name))
      throw new TimeseriesError(409, `Archive policy ${policy.name} already exists`);
    this.policies.set(policy.name, clone(policy));
  }

  async getArchivePolicy(name: string): Promise<ArchivePolicy | undefined> {
    const p = this.policies.get(name);
    return p && clone(p);
  }

  async listArchivePolicies(): Promise<ArchivePolicy[]> {
    return byKey(this.policies.values(), (p) => p.name).map(clone);
  }

  async updateArchivePolicy(policy: ArchivePolicy): Promise<void> {
    if (!this.policies.has(policy.name))
      throw new TimeseriesError(404, `Archive policy ${policy.name} does not exist`);
    this.policies.set(policy.name, clone(policy));
  }

  async deleteArchivePolicy(name: string): Promise<void> {
    if (!this.policies.has(name)) throw new TimeseriesError(404, `Archive policy ${name} does not exist`);
    const used =
      [...this.metrics.values()].some((m) => m.archive_policy_name === name) ||
      [...this.rules.values()].some((r) => r.archive_policy_name === name);
    if (used) throw new TimeseriesError(400, `Archive policy ${name} is still in use`);
    this.policies.delete(name);
  }

  async createRule(rule: ArchivePolicyRule): Promise<void> {
    if (this.rules.has(rule.name))
      throw new TimeseriesError(409, `Archive policy rule ${rule.name} already exists`);
    if (!this.policies.has(rule.archive_policy_name)) {
      throw new TimeseriesError(400, `Archive policy ${rule.archive_policy_name} does not exist`);
    }
    this.rules.set(rule.name, clone(rule));
  }

  async getRule(name: string): Promise<ArchivePolicyRule | undefined> {
    const r = this.rules.get(name);
    return r && clone(r);
  }

  async listRules(): Promise<ArchivePolicyRule[]> {
    return byKey(this.rules.values(), (r) => r.name).map(clone);
  }

  async renameRule(name: string, newName: string): Promise<ArchivePolicyRule> {
    const rule = this.rules.get(name);
    if (rule === undefined) throw new TimeseriesError(404, `Archive policy rule ${name} does not exist`);
    if (newName !== name && this.rules.has(newName)) {
      throw new TimeseriesError(409, `Archive policy rule ${newName} already exists`);
    }
    this.rules.delete(name);
    const renamed = { ...rule, name: newName };
    this.rules.set(newName, renamed);
    return clone(renamed);
  }

  async deleteRule(name: string): Promise<void> {
    if (!this.rules.delete(name))
      throw new TimeseriesError(404, `Archive policy rule ${name} does not exist`);
  }

  async createMetric(metric: Metric): Promise<void> {
    if (this.metrics.has(metric.id)) throw new TimeseriesError(409, `Metric ${metric.id} already exists`);
    const policy = this.policies.get(metric.archive_policy_name);
    if (policy === undefined)
      throw new TimeseriesError(400, `Archive policy ${metric.archive_policy_name} does not exist`);
    this.metrics.set(metric.id, clone(metric));
    this.series.set(metric.id, new MetricSeries(clone(policy)));
  }

  async getMetric(id: string): Promise<Metric | undefined> {
    const m = this.metrics.get(id);
    return m && clone(m);
  }

  async listMetrics(): Promise<Metric[]> {
    return byKey(this.metrics.values(), (m) => m.id).map(clone);
  }

  async deleteMetric(id: string): Promise<void> {
    if (!this.metrics.delete(id)) throw new TimeseriesError(404, `Metric ${id} does not exist`);
    this.series.delete(id);
  }

  async createResourceType(type: ResourceType): Promise<void> {
    if (this.types.has(type.name))
      throw new TimeseriesError(409, `Resource type ${type.name} already exists`);
    this.types.set(type.name, clone(type));
  }

  async getResourceType(name: string): Promise<ResourceType | undefined> {
    const t = this.types.get(name);
    return t && clone(t);
  }

  async listResourceTypes(): Promise<ResourceType[]> {
    return byKey(this.types.values(), (t) => t.name).map(clone);
  }

  async deleteResourceType(name: string): Promise<void> {
    if (!this.types.has(name)) throw new TimeseriesError(404, `Resource type ${name} does not exist`);
    if ([...this.resources.values()].some((r) => r.type === name)) {
      throw new TimeseriesError(400, `Resource type ${name} is still in use`);
    }
    this.types.delete(name);
  }

  async createResource(resource: Resource): Promise<void> {
    if (this.resources.has(resource.id))
      throw new TimeseriesError(409, `Resource ${resource.id} already exists`);
    this.resources.set(resource.id, clone(resource));
  }

  async getResource(id: string): Promise<Resource | undefined> {
    const r = this.resources.get(id);
    return r && clone(r);
  }

  async updateResource(resource: Resource): Promise<void> {
    if (!this.resources.has(resource.id))
      throw new TimeseriesError(404, `Resource ${resource.id} does not exist`);
    this.resources.set(resource.id, clone(resource));
  }

  async listResources(type: string): Promise<Resource[]> {
    return byKey(
      [...this.resources.values()].filter((r) => type === 'generic' || r.type === type),
      (r) => r.id,
    ).map(clone);
  }

  async deleteResource(id: string): Promise<void> {
    if (!this.resources.has(id)) throw new TimeseriesError(404, `Resource ${id} does not exist`);
    for (const m of [...this.metrics.values()]) {
      if (m.resource_id === id) await this.deleteMetric(m.id);
    }
    this.resources.delete(id);
  }

  async addMeasures(batches: MeasureBatch[]): Promise<void> {
    for (const batch of batches) {
      const series = this.series.get(batch.metricId);
      if (series === undefined) throw new TimeseriesError(404, `Metric ${batch.metricId} does not exist`);
      const old = series.tooOld(batch.measures);
      if (old !== undefined) {
        const first = series.firstAcceptedTimestamp() ?? 0;
        const count = batch.measures.filter((m) => m.timestamp < first).length;
        this.rejected += count;
        throw tooOldError(batch.metricId, first, old, count);
      }
    }
    for (const batch of batches) this.series.get(batch.metricId)?.add(batch.measures);
  }

  async getMeasures(metricId: string, query: MeasuresQuery): Promise<Point[]> {
    const series = this.series.get(metricId);
    const metric = this.metrics.get(metricId);
    if (series === undefined || metric === undefined)
      throw new TimeseriesError(404, `Metric ${metricId} does not exist`);
    checkMeasuresQuery(metric, series.policy, query);
    return series.read(query.aggregation, query.granularity, query.start, query.stop);
  }

  async processPending(): Promise<void> {}

  async status(): Promise<StoreStatus> {
    return {
      metrics: this.metrics.size,
      measures: 0,
      measures_to_process: {},
      rejected_measures: this.rejected,
    };
  }

  async close(): Promise<void> {}
}
