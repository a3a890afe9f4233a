import type {
  ArchivePolicy,
  ArchivePolicyRule,
  Measure,
  Metric,
  Point,
  Resource,
  ResourceType,
} from './model.js';

/** What to read from a metric. */
export interface MeasuresQuery {
  /** Aggregation method (must be in the metric's policy). */
  aggregation: string;
  /** Only this granularity (seconds); undefined = every granularity, coarsest first. */
  granularity?: number;
  /** Epoch seconds, inclusive. */
  start?: number;
  /** Epoch seconds, exclusive. */
  stop?: number;
}

/** A batch of measures for one metric. */
export interface MeasureBatch {
  metricId: string;
  measures: Measure[];
}

/** Options of {@link TimeseriesStore.updateResource}. */
export interface UpdateResourceOptions {
  /** Keep the stored version as a past revision first. */
  newRevision?: boolean;
}

/** Counters of the service, for `/v1/status`. */
export interface StoreStatus {
  metrics: number;
  /** Measures accepted but not yet aggregated. */
  measures: number;
  /** Pending measures per metric id. */
  measures_to_process: Record<string, number>;
  /** Measures refused because they were older than their metric's back window, since start. */
  rejected_measures: number;
  /** Journal records that could not be replayed and were kept aside (embedded store; 0 otherwise). */
  quarantined_records: number;
  /** The journal and checkpoints of the embedded store (absent on stores without a journal). */
  journal?: JournalStatus;
}

/**
 * The embedded store's journal and checkpoints, as `/v1/status` (`journal`) and the Prometheus
 * `/metrics` report them; the field names are stable (docs/timeseries.md). Counters are since start.
 */
export interface JournalStatus {
  /** Journal segment files on disk (the one being written included). */
  segments: number;
  /** Bytes in those segments. */
  bytes: number;
  /** When the last checkpoint succeeded (ISO 8601), null if none has since start. */
  last_checkpoint: string | null;
  /** Checkpoints that failed (ENOSPC, EIO...): what they covered stays in the journal for the next one. */
  checkpoint_failures: number;
  /** The message of the last failed checkpoint, null if none failed. */
  last_checkpoint_error: string | null;
  /** Journal writes that failed: their requests were answered 507 or 500 and nothing of them applied. */
  write_failures: number;
  /** The message of the last failed journal write, null if none failed. */
  last_write_error: string | null;
  /** Records found corrupt in the middle of a segment at start (torn or garbled, with data after them). */
  corrupt_records: number;
  /** Bytes skipped at start past corrupt records (to the next intact record, or to the end of the segment). */
  skipped_bytes: number;
}

/**
 * A storage driver of the timeseries service: the index (archive policies, rules, metrics, resource
 * types, resources) and the measures. Implementations: the embedded file store and PostgreSQL; one
 * contract test suite runs against both. Methods reject with a TimeseriesError (status + Gnocchi
 * description) for conflicts and missing items as documented.
 */
export interface TimeseriesStore {
  /** Creates a policy; 409 `Archive policy <name> already exists`. */
  createArchivePolicy(policy: ArchivePolicy): Promise<void>;
  getArchivePolicy(name: string): Promise<ArchivePolicy | undefined>;
  listArchivePolicies(): Promise<ArchivePolicy[]>;
  /** Replaces a policy's definition/back_window (validation of what may change is the caller's). */
  updateArchivePolicy(policy: ArchivePolicy): Promise<void>;
  /** Deletes a policy; 404 if missing, 400 `Archive policy <name> is still in use`. */
  deleteArchivePolicy(name: string): Promise<void>;

  /** Creates a rule; 409 `Archive policy rule <name> already exists`. */
  createRule(rule: ArchivePolicyRule): Promise<void>;
  getRule(name: string): Promise<ArchivePolicyRule | undefined>;
  listRules(): Promise<ArchivePolicyRule[]>;
  /** Renames a rule; 404 if missing, 409 if the new name exists. */
  renameRule(name: string, newName: string): Promise<ArchivePolicyRule>;
  /** Deletes a rule; 404 if missing. */
  deleteRule(name: string): Promise<void>;

  /** Creates a metric (its policy must exist). */
  createMetric(metric: Metric): Promise<void>;
  getMetric(id: string): Promise<Metric | undefined>;
  /**
   * The metrics of `ids` that exist, by id (unknown ids are absent; repeated ids are looked up once), in
   * a few queries however many ids there are: what the batch routes look up their keys with.
   */
  getMetrics(ids: readonly string[]): Promise<Map<string, Metric>>;
  /** Every metric, sorted by id (the API filters, sorts and paginates). */
  listMetrics(): Promise<Metric[]>;
  /** Deletes a metric and its measures; 404 if missing. */
  deleteMetric(id: string): Promise<void>;

  /** Creates a resource type; 409 `Resource type <name> already exists`. */
  createResourceType(type: ResourceType): Promise<void>;
  getResourceType(name: string): Promise<ResourceType | undefined>;
  listResourceTypes(): Promise<ResourceType[]>;
  /** Deletes a resource type; 404 if missing, 400 if resources use it. */
  deleteResourceType(name: string): Promise<void>;
  /**
   * Replaces a resource type's attributes with `type.attributes` (Gnocchi's `PATCH
   * /v1/resource_type/<name>`): the resources of the type and their past revisions lose the attributes the
   * type no longer has and get `fill[name]` (null when absent) for the attributes it did not have. 404
   * `Resource type <name> does not exist` if missing.
   */
  updateResourceType(type: ResourceType, fill: Record<string, unknown>): Promise<void>;

  /**
   * Creates a resource; 409 `Resource <id> already exists`. `metrics` (listed in `resource.metrics`) are
   * created with it, all or nothing, also across a crash: one transaction or one journal record.
   */
  createResource(resource: Resource, metrics?: Metric[]): Promise<void>;
  getResource(id: string): Promise<Resource | undefined>;
  /** The resources of `ids` that exist, by id, as {@link getMetrics} (unknown ids are absent). */
  getResources(ids: readonly string[]): Promise<Map<string, Resource>>;
  /**
   * Replaces a resource (same id); 404 `Resource <id> does not exist` if missing. With `newRevision`, the
   * stored version is first kept as a past revision: `revision_end` set to the new `revision_start`,
   * numbered after every earlier past revision of any resource (Gnocchi's `create_revision`).
   */
  updateResource(resource: Resource, options?: UpdateResourceOptions): Promise<void>;
  /** Every resource of a type (`generic`: all), sorted by id. */
  listResources(type: string): Promise<Resource[]>;
  /**
   * The past revisions (with `revision` and `revision_end`) of the resources of a type (`generic`: all),
   * or of the resource `id` only, by revision number.
   */
  listResourceHistory(type: string, id?: string): Promise<Resource[]>;
  /** Deletes a resource, its past revisions and its metrics; 404 if missing. */
  deleteResource(id: string): Promise<void>;
  /**
   * Replaces a metric's name, unit and resource (attaching it to a resource or detaching it, `resource_id`
   * null); its policy and measures stay. 404 `Metric <id> does not exist` if missing.
   */
  updateMetric(metric: Metric): Promise<void>;

  /**
   * Accepts batches of measures; resolves once they are durable. Every metric must exist. A measure older
   * than its metric's back window is refused: the whole call rejects with a 400 naming the metric and the
   * oldest accepted timestamp, and nothing of the call is stored.
   */
  addMeasures(batches: MeasureBatch[]): Promise<void>;
  /** Aggregated points of a metric, after processing what is pending for it. */
  getMeasures(metricId: string, query: MeasuresQuery): Promise<Point[]>;
  /** Aggregates everything pending now (background processing does it within 100 ms anyway). */
  processPending(): Promise<void>;
  status(): Promise<StoreStatus>;
  /**
   * Runs `fn` while no other `exclusive` section runs on the same storage, from this or any other
   * process (the API's read-modify-write of resources' metric maps). Stores only one process can open
   * omit it: the API serializes those sections in process.
   */
  exclusive?<T>(fn: () => Promise<T>): Promise<T>;
  /** Flushes and releases files, connections and timers. */
  close(): Promise<void>;
}
