/**
 * Which software computed a version: the statistics version (core), the package version and, when
 * known, the git commit (GIT_COMMIT or CodeBuild's CODEBUILD_RESOLVED_SOURCE_VERSION in AWS; `git
 * rev-parse HEAD` in a local checkout). Only `stats` enters the content hash: a commit that changes
 * no statistics makes no version.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STATS_VERSION, type SoftwareVersion } from '../../core/analysis/versions.js';

let cached: SoftwareVersion | undefined;

export function softwareVersion(env: NodeJS.ProcessEnv = process.env): SoftwareVersion {
  if (cached) return cached;
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  let pkg: string | undefined = env.npm_package_version;
  if (!pkg) {
    try {
      pkg = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version;
    } catch {
      /* bundled Lambda: no package.json beside the code */
    }
  }
  let commit = env.GIT_COMMIT || env.CODEBUILD_RESOLVED_SOURCE_VERSION || undefined;
  if (!commit) {
    try {
      commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim() || undefined;
    } catch {
      /* not a checkout */
    }
  }
  cached = { stats: STATS_VERSION, ...(pkg ? { package: pkg } : {}), ...(commit ? { commit } : {}) };
  return cached;
}
