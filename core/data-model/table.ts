/**
 * The one definition of the DynamoDB table. Used by the CDK stack (infra/), the local runner
 * (scripts/start.ts creates it in DynamoDB Local), and the tests. Pure data: no AWS SDK here.
 *
 * Single-table design. Every item has `pk`, `sk` and an `entity` attribute. Secondary indexes:
 *  - GSI1 (`gsi1pk`, `gsi1sk`): the curation queue — candidates of a review by status, best triage
 *    score first. Also used for any "list X of a review by state" access pattern.
 *  - GSI2 (`gsi2pk`, `gsi2sk`): study → its candidates across reviews (a study's reviews). KEYS_ONLY:
 *    the lookup needs only the keys (then GetItem), and projecting ALL would copy every candidate
 *    (drafts included, up to tens of KB) into the index and double the write cost of each save.
 * The stream carries NEW_AND_OLD_IMAGES: the reanalysis handler compares old and new candidate
 * images to decide whether a review must be re-pooled.
 */
export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  /** 'ALL' keeps the whole item in the index (queue listings need title, score, reasons). */
  projection: 'ALL' | 'KEYS_ONLY';
}

export interface TableDefinition {
  /** Logical name; the physical name comes from configuration (TABLE_NAME). */
  logicalName: string;
  defaultName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  globalSecondaryIndexes: IndexDefinition[];
  stream: 'NEW_AND_OLD_IMAGES';
  /** Attribute holding an epoch-seconds expiry, for short-lived items (leases). */
  timeToLiveAttribute: string;
}

export const EVIDENCE_TABLE: TableDefinition = {
  logicalName: 'EvidenceTable',
  defaultName: 'living-evidence',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
      projection: 'ALL',
    },
    {
      indexName: 'gsi2',
      partitionKey: { name: 'gsi2pk', type: 'S' },
      sortKey: { name: 'gsi2sk', type: 'S' },
      projection: 'KEYS_ONLY',
    },
  ],
  stream: 'NEW_AND_OLD_IMAGES',
  timeToLiveAttribute: 'expiresAt',
};

/** Every attribute that appears in a key of the table or of an index (for AttributeDefinitions). */
export function keyAttributes(def: TableDefinition = EVIDENCE_TABLE): KeyAttribute[] {
  const all = [def.partitionKey, def.sortKey];
  for (const gsi of def.globalSecondaryIndexes) all.push(gsi.partitionKey, gsi.sortKey);
  const seen = new Map<string, KeyAttribute>();
  for (const a of all) seen.set(a.name, a);
  return [...seen.values()];
}
