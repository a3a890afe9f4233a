/** Types of the timeseries service (Gnocchi's data model); timestamps are Unix epoch seconds (float). */

/** One stored resolution of an archive policy; `points`/`timespan` null = no retention limit. */
export interface ArchivePolicyItem {
  /** Seconds. */
  granularity: number;
  points: number | null;
  /** Seconds. */
  timespan: number | null;
}

/** An archive policy: how a metric's measures are aggregated and kept. */
export interface ArchivePolicy {
  name: string;
  back_window: number;
  /** The resolved list of aggregation methods (no `+`/`-`/`*` modifiers). */
  aggregation_methods: string[];
  definition: ArchivePolicyItem[];
}

/** Picks the policy of a metric created with a name but no policy: the longest matching glob wins. */
export interface ArchivePolicyRule {
  name: string;
  metric_pattern: string;
  archive_policy_name: string;
}

/** A metric (as stored; the API adds the expanded `archive_policy`/`resource` on GET). */
export interface Metric {
  id: string;
  name: string | null;
  unit: string | null;
  creator: string;
  created_by_user_id: string;
  created_by_project_id: string;
  resource_id: string | null;
  archive_policy_name: string;
}

/** One raw measure. */
export interface Measure {
  timestamp: number;
  value: number;
}

/** One aggregated point as the API returns it: `[timestamp, granularity seconds, value]` (timestamp formatted by the API). */
export type Point = [timestamp: number, granularity: number, value: number];

/** Kinds of custom resource attributes. */
export type AttributeType = 'string' | 'uuid' | 'number' | 'bool' | 'datetime';

/** The schema of one custom resource attribute. */
export interface AttributeSchema {
  type: AttributeType;
  required: boolean;
  min_length?: number;
  max_length?: number;
  min?: number | null;
  max?: number | null;
}

/** A resource type: `generic` plus custom ones with typed attributes. */
export interface ResourceType {
  name: string;
  state: 'active';
  attributes: Record<string, AttributeSchema>;
}

/** A resource: standard fields, its type's attributes and its named metrics. */
export interface Resource {
  id: string;
  type: string;
  original_resource_id: string;
  creator: string;
  created_by_user_id: string;
  created_by_project_id: string;
  user_id: string | null;
  project_id: string | null;
  started_at: number;
  ended_at: number | null;
  revision_start: number;
  /** When this revision was replaced (past revisions); null for the current one. */
  revision_end: number | null;
  /**
   * Past revisions only: their number, from 1, in the order the store kept them across all resources
   * (Gnocchi's `revision`; the current revision is -1 in markers and has none here).
   */
  revision?: number;
  /** Metric name → metric id. */
  metrics: Record<string, string>;
  /** Custom attribute values. */
  attributes: Record<string, unknown>;
}
