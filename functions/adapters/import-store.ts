/**
 * Writes imported studies as accepted candidates, each with an audit event, in one transaction per
 * study. Conditional writes make a re-import idempotent: an unchanged study is not written, a
 * changed one is updated with version + 1 only if nobody changed it in between.
 */
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { candidateKey, eventKey, queueIndexKeys, studyCandidatesIndexKeys } from '../../core/data-model/keys.js';
import type { Candidate } from '../../core/evidence/candidate.js';
import { decideImport } from '../../core/import/candidate.js';
import type { ImportedStudy } from '../../core/import/metapsy.js';

export interface ImportStoreResult {
  created: number;
  updated: number;
  unchanged: number;
  kept: number;
  /** Items written (candidates + events). */
  itemsWritten: number;
  conflicts: string[];
  keptReasons: string[];
}

export interface ImportStoreOptions {
  client: DynamoDBDocumentClient;
  table: string;
  reviewId: string;
  now?: () => string;
  /** Read and decide, write nothing. */
  dryRun?: boolean;
  onProgress?: (done: number, total: number) => void;
}

const KEY_ATTRS = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'];

function stripKeys(item: Record<string, unknown>): Candidate {
  const c = { ...item };
  for (const k of KEY_ATTRS) delete c[k];
  return c as Candidate;
}

function candidateItem(c: Candidate) {
  return {
    ...candidateKey(c.reviewId, c.studyId),
    ...queueIndexKeys(c.reviewId, c.status, c.triage.score, c.createdAt, c.studyId),
    ...studyCandidatesIndexKeys(c.studyId, c.reviewId),
    ...c,
  };
}

export async function storeImportedStudies(studies: ImportedStudy[], opts: ImportStoreOptions): Promise<ImportStoreResult> {
  const { client, table, reviewId } = opts;
  const now = opts.now ?? (() => new Date().toISOString());
  const res: ImportStoreResult = { created: 0, updated: 0, unchanged: 0, kept: 0, itemsWritten: 0, conflicts: [], keptReasons: [] };
  let done = 0;
  for (const study of studies) {
    const got = await client.send(new GetCommand({ TableName: table, Key: candidateKey(reviewId, study.studyId), ConsistentRead: true }));
    const existing = got.Item ? stripKeys(got.Item) : undefined;
    const at = now();
    const d = decideImport(reviewId, study, at, existing);
    if (d.action === 'unchanged') res.unchanged++;
    else if (d.action === 'kept') {
      res.kept++;
      res.keptReasons.push(`${study.studyId}: ${d.reason}`);
    } else {
      const after = d.candidate;
      const before = d.action === 'update' ? d.before : undefined;
      if (!opts.dryRun) {
        try {
          await client.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: table,
                    Item: candidateItem(after),
                    ...(before
                      ? {
                          ConditionExpression: '#v = :v',
                          ExpressionAttributeNames: { '#v': 'version' },
                          ExpressionAttributeValues: { ':v': before.version },
                        }
                      : { ConditionExpression: 'attribute_not_exists(pk)' }),
                  },
                },
                {
                  Put: {
                    TableName: table,
                    Item: {
                      ...eventKey(reviewId, study.studyId, at, `import-v${after.version}`),
                      entity: 'Event',
                      type: 'imported',
                      actor: 'importer',
                      at,
                      reviewId,
                      studyId: study.studyId,
                      ...(before ? { before } : {}),
                      after,
                    },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ],
            }),
          );
        } catch (err) {
          if ((err as Error).name === 'TransactionCanceledException') {
            res.conflicts.push(`${study.studyId}: changed concurrently; run the import again`);
            done++;
            continue;
          }
          throw err;
        }
        res.itemsWritten += 2;
      }
      if (d.action === 'create') res.created++;
      else res.updated++;
    }
    done++;
    opts.onProgress?.(done, studies.length);
  }
  return res;
}
