/**
 * The settings every upstream source client reads from the environment the same way: a base URL
 * (ending in "/"), a request rate and a page size, each bounded by what the source allows.
 */
import { retryFromEnv, type RetryPolicy } from '../poll-common/http.js';

/** The base URL from an environment value (trimmed; `fallback` when empty), ending in "/". */
export function baseUrlFromEnv(value: string | undefined, fallback: string): string {
  const url = value?.trim() || fallback;
  return url.endsWith('/') ? url : `${url}/`;
}

/** A configured rate (requests per second): a positive number, at most `max`; `fallback` otherwise. */
export function rateFromEnv(value: string | undefined, max: number, fallback: number): number {
  const rate = Number(value);
  return Number.isFinite(rate) && rate > 0 ? Math.min(rate, max) : fallback;
}

export interface PagedSourceConfig {
  baseUrl: string;
  rate: number;
  pageSize: number;
  retry: RetryPolicy;
}

/** Where one paged source reads its settings, and its bounds. */
export interface PagedSourceEnv {
  /** Environment variables of the base URL, the rate and the page size. */
  urlVar: string;
  rateVar: string;
  pageSizeVar: string;
  defaultUrl: string;
  /** Default and highest rate (requests per second). */
  rate: number;
  maxRate: number;
  /** Highest page size, also the default. */
  maxPageSize: number;
}

/** The settings of a paged source (base URL, rate, page size, retries) from the environment. */
export function pagedSourceConfig(env: NodeJS.ProcessEnv, s: PagedSourceEnv): PagedSourceConfig {
  const pageSize = Number(env[s.pageSizeVar]);
  return {
    baseUrl: baseUrlFromEnv(env[s.urlVar], s.defaultUrl),
    rate: rateFromEnv(env[s.rateVar], s.maxRate, s.rate),
    pageSize: Number.isInteger(pageSize) && pageSize > 0 ? Math.min(pageSize, s.maxPageSize) : s.maxPageSize,
    retry: retryFromEnv(env),
  };
}
