/**
 * The bound on how many metrics one batch of measures creates (`--max-batch-new-metrics`):
 * `POST /v1/batch/resources/metrics/measures?create_metrics=true` over it is a 400 naming the option, before
 * any metric is created or measure written, so one request cannot create 100,000 metrics (23 s of work).
 * Gnocchi has no such bound. The measures of a batch are bounded by `--max-body-size` alone: at most about
 * 310,000 in 8 MiB (`{"timestamp":1,"value":1},`, 27 bytes), and 230,000 of 36 bytes take 0.5 s.
 */
import type { FastifyRequest } from 'fastify';
import { TimeseriesError } from '../errors.js';
import { apiSettings } from './api-settings.js';

/** The bound of the request's app (`--max-batch-new-metrics`). */
export function maxBatchNewMetrics(request: FastifyRequest): number {
  return apiSettings(request).maxBatchNewMetrics;
}

/** Throws the 400 (a text, as the batch's other errors) when `count` new metrics are over `limit`. */
export function checkBatchNewMetrics(count: number, limit: number): void {
  if (count > limit) {
    throw new TimeseriesError(
      400,
      `Too many new metrics: ${count} metrics to create, more than the ${limit} of --max-batch-new-metrics`,
    );
  }
}
