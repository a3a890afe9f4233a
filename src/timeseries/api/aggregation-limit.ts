/**
 * The bound on how many metrics one aggregation reads (`--max-aggregation-metrics`): the deprecated
 * `/v1/aggregation/…` routes and `/v1/aggregates` refuse a request over it with a 400 naming the option,
 * before reading any measure, so a request naming a million metric ids (or a search matching as many) costs
 * neither memory nor time. Gnocchi has no such bound.
 */
import type { FastifyRequest } from 'fastify';
import { TimeseriesError } from '../errors.js';
import { apiSettings } from './api-settings.js';

/** The Gnocchi-style text of the refusal: what is too many, and the bound. */
export function tooManyMetricsReason(what: string, count: number, limit: number): string {
  return `${count} ${what}, more than the ${limit} of --max-aggregation-metrics`;
}

/**
 * Throws the 400 of `/v1/aggregates` (`{"cause": "Too many metrics", "reason", "detail": limit}`) when
 * `count` (of `what`: metrics, metric references) is over the request's bound.
 */
export function checkAggregatesCount(request: FastifyRequest, what: string, count: number): void {
  const limit = apiSettings(request).maxAggregationMetrics;
  if (count > limit) {
    throw new TimeseriesError(400, {
      cause: 'Too many metrics',
      reason: tooManyMetricsReason(what, count, limit),
      detail: limit,
    });
  }
}

/** Throws the 400 of `/v1/aggregation/…` (a text, as that route's other errors) when over the bound. */
export function checkAggregationCount(request: FastifyRequest, count: number): void {
  const limit = apiSettings(request).maxAggregationMetrics;
  if (count > limit)
    throw new TimeseriesError(400, `Too many metrics: ${tooManyMetricsReason('metrics', count, limit)}`);
}
