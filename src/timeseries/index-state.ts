import { TimeseriesError } from './errors.js';
import type { ArchivePolicy, ArchivePolicyRule, Metric, Resource, ResourceType } from './model.js';
import { ownValue } from './own-property.js';

/** A change to the index, as journaled by the embedded store and replayed at start. */
export type IndexOp =
  | { op: 'putPolicy'; policy: ArchivePolicy }
  | { op: 'deletePolicy'; name: string }
  | { op: 'putRule'; rule: ArchivePolicyRule; previous?: string }
  | { op: 'deleteRule'; name: string }
  | { op: 'putMetric'; metric: Metric }
  | { op: 'deleteMetric'; id: string }
  | { op: 'putResourceType'; type: ResourceType }
  | { op: 'updateResourceType'; type: ResourceType; fill: Record<string, unknown> }
  | { op: 'deleteResourceType'; name: string }
  | { op: 'putResource'; resource: Resource; past?: Resource }
  | { op: 'deleteResource'; id: string };

/** The whole index as saved in a checkpoint. */
export interface IndexSnapshot {
  policies: ArchivePolicy[];
  rules: ArchivePolicyRule[];
  metrics: Metric[];
  resourceTypes: ResourceType[];
  resources: Resource[];
  /** Past revisions of resources (absent in checkpoints of older versions). */
  history?: Resource[];
  /** The number of the last past revision kept, deleted ones included (absent: the highest in `history`). */
  lastRevision?: number;
}

const byKey = <T>(items: Iterable<T>, key: (t: T) => string): T[] =>
  [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

/**
 * The index of the embedded store in memory: archive policies, rules, metrics, resource types and
 * resources, with the service's conflict and in-use checks. `check*` methods validate a change and
 * return the op to journal; {@link apply} performs an op (also when replaying the journal).
 */
export class IndexState {
  readonly policies = new Map<string, ArchivePolicy>();
  readonly rules = new Map<string, ArchivePolicyRule>();
  readonly metrics = new Map<string, Metric>();
  readonly resourceTypes = new Map<string, ResourceType>();
  readonly resources = new Map<string, Resource>();
  /** Past revisions by resource id, oldest first. */
  readonly history = new Map<string, Resource[]>();
  /** The number of the last past revision kept. */
  lastRevision = 0;

  /** Loads a checkpoint. */
  load(s: IndexSnapshot): void {
    for (const p of s.policies) this.policies.set(p.name, p);
    for (const r of s.rules) this.rules.set(r.name, r);
    for (const m of s.metrics) this.metrics.set(m.id, m);
    for (const t of s.resourceTypes) this.resourceTypes.set(t.name, t);
    for (const r of s.resources) this.resources.set(r.id, r);
    for (const r of s.history ?? []) this.keepRevision(r);
    this.lastRevision = Math.max(this.lastRevision, s.lastRevision ?? 0);
  }

  private keepRevision(past: Resource): void {
    const list = this.history.get(past.id);
    if (list === undefined) this.history.set(past.id, [past]);
    else list.push(past);
    this.lastRevision = Math.max(this.lastRevision, past.revision ?? 0);
  }

  /** The whole index. */
  snapshot(): IndexSnapshot {
    return {
      policies: [...this.policies.values()],
      rules: [...this.rules.values()],
      metrics: [...this.metrics.values()],
      resourceTypes: [...this.resourceTypes.values()],
      resources: [...this.resources.values()],
      history: [...this.history.values()].flat(),
      lastRevision: this.lastRevision,
    };
  }

  /** Performs an op; ops are validated before being journaled, so this never fails. */
  apply(o: IndexOp): void {
    switch (o.op) {
      case 'putPolicy':
        this.policies.set(o.policy.name, o.policy);
        break;
      case 'deletePolicy':
        this.policies.delete(o.name);
        break;
      case 'putRule':
        if (o.previous !== undefined) this.rules.delete(o.previous);
        this.rules.set(o.rule.name, o.rule);
        break;
      case 'deleteRule':
        this.rules.delete(o.name);
        break;
      case 'putMetric':
        this.metrics.set(o.metric.id, o.metric);
        break;
      case 'deleteMetric':
        this.metrics.delete(o.id);
        break;
      case 'putResourceType':
        this.resourceTypes.set(o.type.name, o.type);
        break;
      case 'deleteResourceType':
        this.resourceTypes.delete(o.name);
        break;
      case 'updateResourceType':
        this.retypeResources(o.type, o.fill);
        this.resourceTypes.set(o.type.name, o.type);
        break;
      case 'putResource':
        if (o.past !== undefined) this.keepRevision(o.past);
        this.resources.set(o.resource.id, o.resource);
        break;
      case 'deleteResource':
        this.resources.delete(o.id);
        this.history.delete(o.id);
        break;
    }
  }

  /** Gives the resources of `type` (and their past revisions) its new attributes; see updateResourceType. */
  private retypeResources(type: ResourceType, fill: Record<string, unknown>): void {
    const before = this.resourceTypes.get(type.name)?.attributes ?? {};
    const retype = (r: Resource): Resource => ({
      ...r,
      attributes: Object.fromEntries(
        Object.keys(type.attributes).map((name) => [
          name,
          Object.hasOwn(before, name)
            ? (ownValue(r.attributes, name) ?? null)
            : (ownValue(fill, name) ?? null),
        ]),
      ),
    });
    for (const r of this.resources.values()) {
      if (r.type !== type.name) continue;
      this.resources.set(r.id, retype(r));
      const past = this.history.get(r.id);
      if (past !== undefined) this.history.set(r.id, past.map(retype));
    }
  }

  createPolicy(policy: ArchivePolicy): IndexOp {
    if (this.policies.has(policy.name))
      throw new TimeseriesError(409, `Archive policy ${policy.name} already exists`);
    return { op: 'putPolicy', policy };
  }

  updatePolicy(policy: ArchivePolicy): IndexOp {
    if (!this.policies.has(policy.name))
      throw new TimeseriesError(404, `Archive policy ${policy.name} does not exist`);
    return { op: 'putPolicy', policy };
  }

  deletePolicy(name: string): IndexOp {
    if (!this.policies.has(name)) throw new TimeseriesError(404, `Archive policy ${name} does not exist`);
    const used = [...this.metrics.values()].some((m) => m.archive_policy_name === name);
    if (used || [...this.rules.values()].some((r) => r.archive_policy_name === name)) {
      throw new TimeseriesError(400, `Archive policy ${name} is still in use`);
    }
    return { op: 'deletePolicy', name };
  }

  createRule(rule: ArchivePolicyRule): IndexOp {
    if (this.rules.has(rule.name))
      throw new TimeseriesError(409, `Archive policy rule ${rule.name} already exists`);
    if (!this.policies.has(rule.archive_policy_name)) {
      throw new TimeseriesError(400, `Archive policy ${rule.archive_policy_name} does not exist`);
    }
    return { op: 'putRule', rule };
  }

  renameRule(name: string, newName: string): IndexOp & { op: 'putRule' } {
    const rule = this.rules.get(name);
    if (rule === undefined) throw new TimeseriesError(404, `Archive policy rule ${name} does not exist`);
    if (newName !== name && this.rules.has(newName)) {
      throw new TimeseriesError(409, `Archive policy rule ${newName} already exists`);
    }
    return { op: 'putRule', rule: { ...rule, name: newName }, previous: name };
  }

  deleteRule(name: string): IndexOp {
    if (!this.rules.has(name)) throw new TimeseriesError(404, `Archive policy rule ${name} does not exist`);
    return { op: 'deleteRule', name };
  }

  createMetric(metric: Metric): IndexOp {
    if (this.metrics.has(metric.id)) throw new TimeseriesError(409, `Metric ${metric.id} already exists`);
    if (!this.policies.has(metric.archive_policy_name)) {
      throw new TimeseriesError(400, `Archive policy ${metric.archive_policy_name} does not exist`);
    }
    return { op: 'putMetric', metric };
  }

  deleteMetric(id: string): IndexOp {
    if (!this.metrics.has(id)) throw new TimeseriesError(404, `Metric ${id} does not exist`);
    return { op: 'deleteMetric', id };
  }

  createResourceType(type: ResourceType): IndexOp {
    if (this.resourceTypes.has(type.name))
      throw new TimeseriesError(409, `Resource type ${type.name} already exists`);
    return { op: 'putResourceType', type };
  }

  updateResourceType(type: ResourceType, fill: Record<string, unknown>): IndexOp {
    if (!this.resourceTypes.has(type.name))
      throw new TimeseriesError(404, `Resource type ${type.name} does not exist`);
    return { op: 'updateResourceType', type, fill };
  }

  deleteResourceType(name: string): IndexOp {
    if (!this.resourceTypes.has(name)) throw new TimeseriesError(404, `Resource type ${name} does not exist`);
    if ([...this.resources.values()].some((r) => r.type === name)) {
      throw new TimeseriesError(400, `Resource type ${name} is still in use`);
    }
    return { op: 'deleteResourceType', name };
  }

  createResource(resource: Resource): IndexOp {
    if (this.resources.has(resource.id))
      throw new TimeseriesError(409, `Resource ${resource.id} already exists`);
    return { op: 'putResource', resource };
  }

  /** With `newRevision`, the stored version becomes the next past revision, ended at the new revision_start. */
  updateResource(resource: Resource, newRevision = false): IndexOp {
    const current = this.resources.get(resource.id);
    if (current === undefined) throw new TimeseriesError(404, `Resource ${resource.id} does not exist`);
    if (!newRevision) return { op: 'putResource', resource };
    const past: Resource = {
      ...current,
      revision_end: resource.revision_start,
      revision: this.lastRevision + 1,
    };
    return { op: 'putResource', resource, past };
  }

  /** A metric's name, unit and resource change; its policy stays. */
  updateMetric(metric: Metric): IndexOp {
    const stored = this.metrics.get(metric.id);
    if (stored === undefined) throw new TimeseriesError(404, `Metric ${metric.id} does not exist`);
    return { op: 'putMetric', metric: { ...metric, archive_policy_name: stored.archive_policy_name } };
  }

  /** Deleting a resource deletes its metrics too (as Gnocchi's API does). */
  deleteResource(id: string): IndexOp[] {
    const resource = this.resources.get(id);
    if (resource === undefined) throw new TimeseriesError(404, `Resource ${id} does not exist`);
    const metrics = [...this.metrics.values()].filter((m) => m.resource_id === id);
    return [...metrics.map((m): IndexOp => ({ op: 'deleteMetric', id: m.id })), { op: 'deleteResource', id }];
  }

  listPolicies(): ArchivePolicy[] {
    return byKey(this.policies.values(), (p) => p.name);
  }

  listRules(): ArchivePolicyRule[] {
    return byKey(this.rules.values(), (r) => r.name);
  }

  listMetrics(): Metric[] {
    return byKey(this.metrics.values(), (m) => m.id);
  }

  listResourceTypes(): ResourceType[] {
    return byKey(this.resourceTypes.values(), (t) => t.name);
  }

  listResourceHistory(type: string, id?: string): Resource[] {
    const lists = id === undefined ? [...this.history.values()] : [this.history.get(id) ?? []];
    return lists
      .flat()
      .filter((r) => type === 'generic' || r.type === type)
      .sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  }

  listResources(type: string): Resource[] {
    return byKey(
      [...this.resources.values()].filter((r) => type === 'generic' || r.type === type),
      (r) => r.id,
    );
  }
}
