import { join } from 'node:path';
import { logger } from '../support/logger.js';
import { TimeseriesError } from './errors.js';
import { IndexState, type IndexOp, type IndexSnapshot } from './index-state.js';
import { Journal, RecordKind, frameRecord, type JournalRecord } from './journal.js';
import { JournalQuarantine } from './journal-quarantine.js';
import { MetricSeries } from './metric-series.js';
import type {
  ArchivePolicy,
  ArchivePolicyRule,
  Measure,
  Metric,
  Point,
  Resource,
  ResourceType,
} from './model.js';
import { checkMeasuresQuery, tooOldError } from './store-checks.js';
import { storageError } from './storage-error.js';
import { storeDrivers } from './store-driver.js';
import { nodeStoreFs, writeFilesAtomic, type StoreFs } from './store-fs.js';
import type {
  MeasureBatch,
  MeasuresQuery,
  StoreStatus,
  TimeseriesStore,
  UpdateResourceOptions,
} from './store.js';

const log = logger('timeseries');

/** Options of the embedded store. */
export interface FileStoreOptions {
  dataDir: string;
  /** Seconds between checkpoints while there are changes (default 2). */
  checkpointPeriod?: number;
  /**
   * Points (aggregated and raw, 16 bytes each) that decoded series may hold in memory; beyond it the least
   * recently used series are compressed (default 2,500,000, about 40 MB: all 231 metrics of the COVID data,
   * or 34 of the 73,000-point metrics of Gnocchi's workload B). The series in use is always decoded.
   */
  hotPoints?: number;
  /** The file system (default node:fs; tests inject failures). */
  fs?: StoreFs;
}

function encodeMeasures(metricId: string, measures: Measure[]): Buffer {
  const id = Buffer.from(metricId, 'utf8');
  const n = measures.length;
  const out = Buffer.alloc(1 + id.length + 4 + 16 * n);
  out.writeUInt8(id.length, 0);
  id.copy(out, 1);
  let pos = 1 + id.length;
  out.writeUInt32LE(n, pos);
  pos += 4;
  for (const m of measures) {
    out.writeDoubleLE(m.timestamp, pos);
    out.writeDoubleLE(m.value, pos + 8 * n);
    pos += 8;
  }
  return out;
}

function decodeMeasures(bytes: Buffer): MeasureBatch {
  const idLength = bytes.readUInt8(0);
  const metricId = bytes.toString('utf8', 1, 1 + idLength);
  let pos = 1 + idLength;
  const n = bytes.readUInt32LE(pos);
  pos += 4;
  const measures: Measure[] = new Array<Measure>(n);
  for (let i = 0; i < n; i++) {
    measures[i] = {
      timestamp: bytes.readDoubleLE(pos + 8 * i),
      value: bytes.readDoubleLE(pos + 8 * (n + i)),
    };
  }
  return { metricId, measures };
}

/** The entries of `map` under `ids` (those it has). */
function pick<T>(map: ReadonlyMap<string, T>, ids: readonly string[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const id of ids) {
    const value = map.get(id);
    if (value !== undefined) out.set(id, value);
  }
  return out;
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * The embedded storage driver: no external service, no native module. The index and every measure
 * batch go to a write-ahead journal (CRC-framed records, group commit, fdatasync before a write is
 * acknowledged); a change is applied in memory once journaled and before it is acknowledged (a write
 * the disk refused is answered 507 or 500 and never applied), and measures are aggregated as they are
 * applied, so reads are always fresh. A checkpoint every few seconds writes each changed metric as one
 * compressed series file and the index as one JSON file (atomically, directories synced), then deletes
 * the journal segments it covers; a failed checkpoint keeps what it should have written for the next
 * one, and deletes nothing. At start the checkpoint is loaded and the remaining journal replayed
 * (replaying is idempotent: a re-sent timestamp replaces its value).
 */
export class FileTimeseriesStore implements TimeseriesStore {
  private readonly index = new IndexState();
  /** Decoded series, least recently used first. */
  private readonly series = new Map<string, MetricSeries>();
  /** Points of each decoded series when last counted, and their sum. */
  private readonly hotPoints = new Map<string, number>();
  private hotTotal = 0;
  /** Compressed series (the checkpoint format) of the metrics not decoded now. */
  private readonly cold = new Map<string, Buffer>();
  private readonly dirty = new Set<string>();
  private readonly deleted = new Set<string>();
  private readonly journal: Journal;
  private readonly quarantine: JournalQuarantine;
  private readonly seriesDir: string;
  private timer: NodeJS.Timeout | undefined;
  private checkpointing: Promise<void> | undefined;
  private indexDirty = false;
  private rejected = 0;
  /** Index changes validated one at a time, each against the index with the previous one applied. */
  private indexQueue: Promise<unknown> = Promise.resolve();
  /** Per metric, writes waiting for the journal and the newest timestamp among them. */
  private readonly pending = new Map<string, { writes: number; newest: number }>();
  private readonly fs: StoreFs;
  private lastCheckpoint: Date | undefined;
  private checkpointFailures = 0;
  private lastCheckpointError: string | undefined;

  constructor(private readonly options: FileStoreOptions) {
    this.fs = options.fs ?? nodeStoreFs;
    this.journal = new Journal(options.dataDir, this.fs);
    this.quarantine = new JournalQuarantine(options.dataDir, this.fs);
    this.seriesDir = join(options.dataDir, 'series');
  }

  /**
   * Loads the checkpoint, replays the journal and opens a new journal segment. A record that cannot be
   * replayed is kept aside (see JournalQuarantine), logged and counted; the store opens all the same.
   */
  async open(): Promise<void> {
    await this.fs.mkdirs(this.seriesDir);
    try {
      this.index.load(
        JSON.parse(
          (await this.fs.readFile(join(this.options.dataDir, 'index.json'))).toString('utf8'),
        ) as IndexSnapshot,
      );
    } catch (err) {
      if (!isMissing(err)) {
        throw new Error(
          `Corrupt index of the timeseries store in ${this.options.dataDir}: ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
    const files = new Set(await this.fs.readdir(this.seriesDir));
    for (const metric of this.index.metrics.values()) {
      if (!files.has(`${metric.id}.bin`)) continue;
      this.cold.set(metric.id, await this.fs.readFile(join(this.seriesDir, `${metric.id}.bin`)));
    }
    const { records, segments } = await this.journal.replay();
    await this.quarantine.open();
    let replayed = 0;
    let quarantined = 0;
    for (const [i, r] of records.entries()) {
      try {
        replayed += this.replayRecord(r);
      } catch (err) {
        await this.quarantine.keep(r);
        quarantined++;
        log.warn(
          `journal record ${i + 1} of ${records.length} (kind ${r.kind}, ${r.payload.length} bytes) cannot be ` +
            `replayed and is kept aside in ${this.quarantine.path}: ${(err as Error).message}`,
        );
      }
    }
    await this.journal.start(segments.at(-1) ?? 0);
    if (records.length > 0) log.info(`replayed ${records.length} journal records (${replayed} measures)`);
    this.indexDirty = records.length > 0;
    // A checkpoint now drops the segments holding what was kept aside: the next start does not meet it again.
    if (quarantined > 0) await this.checkpoint().catch((err: Error) => log.error(err.message));
    this.schedule();
  }

  /** Applies one journal record at start; returns the measures it held. Throws if it cannot be applied. */
  private replayRecord(r: JournalRecord): number {
    if (r.kind === RecordKind.Index) {
      const change = JSON.parse(r.payload.toString('utf8')) as IndexOp | IndexOp[];
      for (const op of Array.isArray(change) ? change : [change]) this.applyIndex(op);
      return 0;
    }
    if (r.kind !== RecordKind.Measures) throw new Error(`unknown record kind ${String(r.kind)}`);
    const batch = decodeMeasures(r.payload);
    for (const m of batch.measures) {
      if (!Number.isFinite(m.value)) throw new Error(`measure value ${m.value} is not finite`);
    }
    const s = this.seriesOf(batch.metricId);
    if (s === undefined) return 0;
    // Measures already in the checkpoint may now be behind the back window: skip those.
    const first = s.firstAcceptedTimestamp();
    s.add(first === undefined ? batch.measures : batch.measures.filter((m) => m.timestamp >= first));
    this.keepHot(batch.metricId, s);
    this.dirty.add(batch.metricId);
    return batch.measures.length;
  }

  async createArchivePolicy(policy: ArchivePolicy): Promise<void> {
    return this.commit(() => [this.index.createPolicy(policy)]);
  }

  async getArchivePolicy(name: string): Promise<ArchivePolicy | undefined> {
    return this.index.policies.get(name);
  }

  async listArchivePolicies(): Promise<ArchivePolicy[]> {
    return this.index.listPolicies();
  }

  async updateArchivePolicy(policy: ArchivePolicy): Promise<void> {
    await this.commit(() => [this.index.updatePolicy(policy)]);
  }

  async deleteArchivePolicy(name: string): Promise<void> {
    return this.commit(() => [this.index.deletePolicy(name)]);
  }

  async createRule(rule: ArchivePolicyRule): Promise<void> {
    return this.commit(() => [this.index.createRule(rule)]);
  }

  async getRule(name: string): Promise<ArchivePolicyRule | undefined> {
    return this.index.rules.get(name);
  }

  async listRules(): Promise<ArchivePolicyRule[]> {
    return this.index.listRules();
  }

  async renameRule(name: string, newName: string): Promise<ArchivePolicyRule> {
    let renamed: ArchivePolicyRule | undefined;
    await this.commit(() => {
      const op = this.index.renameRule(name, newName);
      renamed = op.rule;
      return [op];
    });
    return renamed!;
  }

  async deleteRule(name: string): Promise<void> {
    return this.commit(() => [this.index.deleteRule(name)]);
  }

  async createMetric(metric: Metric): Promise<void> {
    return this.commit(() => [this.index.createMetric(metric)]);
  }

  async getMetric(id: string): Promise<Metric | undefined> {
    return this.index.metrics.get(id);
  }

  async getMetrics(ids: readonly string[]): Promise<Map<string, Metric>> {
    return pick(this.index.metrics, ids);
  }

  async listMetrics(): Promise<Metric[]> {
    return this.index.listMetrics();
  }

  async deleteMetric(id: string): Promise<void> {
    return this.commit(() => [this.index.deleteMetric(id)]);
  }

  async createResourceType(type: ResourceType): Promise<void> {
    return this.commit(() => [this.index.createResourceType(type)]);
  }

  async getResourceType(name: string): Promise<ResourceType | undefined> {
    return this.index.resourceTypes.get(name);
  }

  async listResourceTypes(): Promise<ResourceType[]> {
    return this.index.listResourceTypes();
  }

  async deleteResourceType(name: string): Promise<void> {
    return this.commit(() => [this.index.deleteResourceType(name)]);
  }

  async createResource(resource: Resource, metrics: Metric[] = []): Promise<void> {
    return this.commit(() => [
      this.index.createResource(resource),
      ...metrics.map((m) => this.index.createMetric(m)),
    ]);
  }

  async getResource(id: string): Promise<Resource | undefined> {
    return this.index.resources.get(id);
  }

  async getResources(ids: readonly string[]): Promise<Map<string, Resource>> {
    return pick(this.index.resources, ids);
  }

  async updateResource(resource: Resource, options: UpdateResourceOptions = {}): Promise<void> {
    return this.commit(() => [this.index.updateResource(resource, options.newRevision === true)]);
  }

  async listResourceHistory(type: string, id?: string): Promise<Resource[]> {
    return this.index.listResourceHistory(type, id);
  }

  async updateMetric(metric: Metric): Promise<void> {
    return this.commit(() => [this.index.updateMetric(metric)]);
  }

  async updateResourceType(type: ResourceType, fill: Record<string, unknown>): Promise<void> {
    return this.commit(() => [this.index.updateResourceType(type, fill)]);
  }

  async listResources(type: string): Promise<Resource[]> {
    return this.index.listResources(type);
  }

  async deleteResource(id: string): Promise<void> {
    return this.commit(() => this.index.deleteResource(id));
  }

  async addMeasures(batches: MeasureBatch[]): Promise<void> {
    // The whole call is validated before any await, against the series as the writes still waiting for
    // the journal will leave them (their newest timestamps), so nothing accepted can fall behind a back
    // window; it is applied once journaled, in journal order, and not at all if the journal fails.
    const merged = new Map<string, Measure[]>();
    for (const b of batches) {
      if (!this.index.metrics.has(b.metricId))
        throw new TimeseriesError(404, `Metric ${b.metricId} does not exist`);
      MetricSeries.checkRange(b.measures);
      const list = merged.get(b.metricId);
      if (list) list.push(...b.measures);
      else if (b.measures.length > 0) merged.set(b.metricId, [...b.measures]);
    }
    for (const [id, measures] of merged) {
      const series = this.seriesOf(id)!;
      const newest = this.pending.get(id)?.newest;
      const old = series.tooOld(measures, newest);
      if (old !== undefined) {
        const first = series.firstAcceptedTimestamp(newest)!;
        const count = measures.filter((m) => m.timestamp < first).length;
        this.rejected += count;
        throw tooOldError(id, first, old, count);
      }
    }
    if (merged.size === 0) return;
    const records: Buffer[] = [];
    for (const [id, measures] of merged) {
      records.push(frameRecord(RecordKind.Measures, encodeMeasures(id, measures)));
      let newest = measures[0]!.timestamp;
      for (const m of measures) if (m.timestamp > newest) newest = m.timestamp;
      const p = this.pending.get(id);
      if (p === undefined) this.pending.set(id, { writes: 1, newest });
      else {
        p.writes++;
        if (newest > p.newest) p.newest = newest;
      }
    }
    try {
      await this.journal.append(records, () => this.applyMeasures(merged));
    } catch (err) {
      throw err instanceof TimeseriesError ? err : storageError(err);
    } finally {
      for (const id of merged.keys()) {
        const p = this.pending.get(id)!;
        if (--p.writes === 0) this.pending.delete(id);
      }
    }
  }

  /** Adds journaled measures to their series (a metric deleted meanwhile is skipped). */
  private applyMeasures(merged: Map<string, Measure[]>): void {
    for (const [id, measures] of merged) {
      const series = this.seriesOf(id);
      if (series === undefined) continue;
      series.add(measures);
      this.keepHot(id, series);
      this.dirty.add(id);
    }
    this.schedule();
  }

  async getMeasures(metricId: string, query: MeasuresQuery): Promise<Point[]> {
    const metric = this.index.metrics.get(metricId);
    if (metric === undefined) throw new TimeseriesError(404, `Metric ${metricId} does not exist`);
    const policy = this.index.policies.get(metric.archive_policy_name)!;
    checkMeasuresQuery(metric, policy, query);
    const series = this.existingSeries(metricId);
    return series ? series.read(query.aggregation, query.granularity, query.start, query.stop) : [];
  }

  async processPending(): Promise<void> {
    // Measures are aggregated as they are accepted: nothing is ever pending.
  }

  async status(): Promise<StoreStatus> {
    const { segments, bytes } = this.journal.size;
    const counters = this.journal.counters;
    return {
      metrics: this.index.metrics.size,
      measures: 0,
      measures_to_process: {},
      rejected_measures: this.rejected,
      quarantined_records: this.quarantine.size,
      journal: {
        segments,
        bytes,
        last_checkpoint: this.lastCheckpoint?.toISOString() ?? null,
        checkpoint_failures: this.checkpointFailures,
        last_checkpoint_error: this.lastCheckpointError ?? null,
        write_failures: counters.writeFailures,
        last_write_error: counters.lastWriteError?.message ?? null,
        corrupt_records: counters.corruptRecords,
        skipped_bytes: counters.skippedBytes,
      },
    };
  }

  /** Writes a checkpoint now. */
  async checkpoint(): Promise<void> {
    while (this.checkpointing) await this.checkpointing;
    this.checkpointing = this.writeCheckpoint();
    try {
      await this.checkpointing;
    } finally {
      this.checkpointing = undefined;
    }
  }

  /** Writes a last checkpoint (if it fails, the journal keeps everything for the next start) and closes. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      await this.checkpoint();
    } catch (err) {
      log.error(`last checkpoint failed, the journal keeps its changes: ${(err as Error).message}`);
    } finally {
      await this.journal.close();
    }
  }

  /**
   * An index change: `validate` builds its ops against the index with every earlier change applied (one
   * change at a time); they are journaled as one record (all or nothing after a crash), applied once
   * durable, and not at all if the journal fails (507 or 500).
   */
  private commit(validate: () => IndexOp[]): Promise<void> {
    const run = async (): Promise<void> => {
      const ops = validate();
      const record = Buffer.from(JSON.stringify(ops.length === 1 ? ops[0] : ops));
      try {
        await this.journal.append([frameRecord(RecordKind.Index, record)], () => {
          for (const op of ops) this.applyIndex(op);
          this.indexDirty = true;
          this.schedule();
        });
      } catch (err) {
        throw storageError(err);
      }
    };
    const done = this.indexQueue.then(run);
    this.indexQueue = done.catch(() => undefined);
    return done;
  }

  private applyIndex(op: IndexOp): void {
    this.index.apply(op);
    if (op.op === 'deleteMetric') {
      this.forgetHot(op.id);
      this.series.delete(op.id);
      this.cold.delete(op.id);
      this.dirty.delete(op.id);
      this.deleted.add(op.id);
    } else if (op.op === 'putPolicy') {
      for (const m of this.index.metrics.values()) {
        const s = m.archive_policy_name === op.policy.name ? this.series.get(m.id) : undefined;
        if (s) {
          this.series.set(m.id, MetricSeries.decode(op.policy, s.encode()));
          this.dirty.add(m.id);
        }
      }
    }
  }

  /** The series of a metric, created empty on first use; undefined for an unknown metric. */
  private seriesOf(id: string): MetricSeries | undefined {
    const existing = this.existingSeries(id);
    if (existing !== undefined) return existing;
    const metric = this.index.metrics.get(id);
    if (metric === undefined) return undefined;
    return this.keepHot(id, new MetricSeries(this.index.policies.get(metric.archive_policy_name)!));
  }

  /** The decoded series of a metric that has measures (decoding a compressed one), or undefined. */
  private existingSeries(id: string): MetricSeries | undefined {
    const hot = this.series.get(id);
    if (hot !== undefined) {
      this.series.delete(id);
      this.series.set(id, hot);
      return hot;
    }
    const blob = this.cold.get(id);
    const metric = this.index.metrics.get(id);
    if (blob === undefined || metric === undefined) return undefined;
    this.cold.delete(id);
    return this.keepHot(id, MetricSeries.decode(this.index.policies.get(metric.archive_policy_name)!, blob));
  }

  /**
   * Makes a series the most recently used and counts its points, then compresses the least recently used
   * others while the decoded ones hold more than the point budget.
   */
  private keepHot(id: string, series: MetricSeries): MetricSeries {
    this.series.delete(id);
    this.series.set(id, series);
    const points = series.pointCount() + series.rawPointCount();
    this.hotTotal += points - (this.hotPoints.get(id) ?? 0);
    this.hotPoints.set(id, points);
    const budget = this.options.hotPoints ?? 2_500_000;
    for (const [oldId, old] of this.series) {
      if (this.hotTotal <= budget || oldId === id) break;
      this.forgetHot(oldId);
      this.series.delete(oldId);
      this.cold.set(oldId, old.encode());
    }
    return series;
  }

  /** Stops counting the points of a series that leaves memory. */
  private forgetHot(id: string): void {
    this.hotTotal -= this.hotPoints.get(id) ?? 0;
    this.hotPoints.delete(id);
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.checkpoint().catch((err: Error) => log.error(`checkpoint failed: ${err.message}`));
      },
      (this.options.checkpointPeriod ?? 2) * 1000,
    );
    this.timer.unref();
  }

  /**
   * Writes the changed series, then the index (each file synced, renamed, its directory synced), removes
   * the files of deleted metrics, and only then deletes the journal segments before the one it rotated
   * to: everything in them was applied before the capture. A failure puts back what was captured as
   * still to be written (nothing is deleted) and is counted for the status.
   */
  private async writeCheckpoint(): Promise<void> {
    if (this.dirty.size === 0 && !this.indexDirty && this.deleted.size === 0) return;
    let captured: { dirty: string[]; deleted: string[] } | undefined;
    try {
      const upTo = await this.journal.rotate();
      // Captured synchronously: changes applied meanwhile are in the new segment.
      const dirty = [...this.dirty];
      const blobs = dirty.map(
        (id) => [`${id}.bin`, this.cold.get(id) ?? this.series.get(id)!.encode()] as const,
      );
      const index = Buffer.from(JSON.stringify(this.index.snapshot()));
      captured = { dirty, deleted: [...this.deleted] };
      this.dirty.clear();
      this.deleted.clear();
      this.indexDirty = false;
      await writeFilesAtomic(this.fs, this.seriesDir, blobs);
      await writeFilesAtomic(this.fs, this.options.dataDir, [['index.json', index]]);
      for (const id of captured.deleted) {
        await this.fs.unlink(join(this.seriesDir, `${id}.bin`)).catch((err: unknown) => {
          if (!isMissing(err)) throw err;
        });
      }
      await this.journal.deleteBefore(upTo);
      this.lastCheckpoint = new Date();
    } catch (err) {
      if (captured !== undefined) {
        for (const id of captured.dirty) if (this.index.metrics.has(id)) this.dirty.add(id);
        for (const id of captured.deleted) this.deleted.add(id);
        this.indexDirty = true;
      }
      this.checkpointFailures++;
      this.lastCheckpointError = (err as Error).message;
      this.schedule();
      throw err;
    }
  }
}

/** Registers the embedded store as the `file` driver: `file:///dir` or a plain directory. */
export function setup(): void {
  storeDrivers.register('file', async (location) => {
    const store = new FileTimeseriesStore({ dataDir: location.replace(/^file:\/\//i, '') });
    await store.open();
    return store;
  });
}
