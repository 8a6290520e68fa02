/** Small parts of the curator pages shared by the page modules (ui.tsx, routes/screening-ui.tsx). */
import type { FC } from 'hono/jsx';
import type { Review } from '../../core/reviews/schema.js';
import type { CuratedCandidate } from '../../core/curation/workflow.js';

function identifierLink(type: string, value: string): string | undefined {
  if (type === 'doi') return `https://doi.org/${encodeURI(value)}`;
  if (type === 'pmid' && /^\d+$/.test(value)) return `https://pubmed.ncbi.nlm.nih.gov/${value}/`;
  if (type === 'nct' && /^NCT\d{8}$/i.test(value)) return `https://clinicaltrials.gov/study/${value.toUpperCase()}`;
  if (type === 'pmcid' && /^PMC\d+$/i.test(value)) return `https://www.ncbi.nlm.nih.gov/pmc/articles/${value.toUpperCase()}/`;
  return undefined;
}

export const Identifiers: FC<{ c: CuratedCandidate }> = ({ c }) => (
  <p>
    {c.sources.map((s) => (
      <span class="badge">{s}</span>
    ))}
    {c.identifiers.map((id) => {
      const href = identifierLink(id.type, id.value);
      return (
        <span class="badge">
          {id.type.toUpperCase()}:{' '}
          {href ? (
            <a href={href} rel="noopener noreferrer">
              {id.value}
            </a>
          ) : (
            id.value
          )}
        </span>
      );
    })}
    {c.retracted ? <span class="badge">RETRACTED</span> : null}
    {c.preprint ? <span class="badge" title="The main record is a preprint: not peer-reviewed">PREPRINT</span> : null}
  </p>
);

export const ReasonSelect: FC<{ review: Review; id: string; name?: string }> = ({ review, id, name }) => (
  <>
    <label for={id}>Exclusion reason</label>
    <select id={id} data-reason name={name}>
      <option value="">— choose —</option>
      {review.exclusionReasons.map((r, i) => (
        <option value={r.id}>
          {i < 9 ? `${i + 1}. ` : ''}
          {r.label}
        </option>
      ))}
    </select>
  </>
);

export const apiPath = (reviewId: string, studyId: string) => `/api/reviews/${encodeURIComponent(reviewId)}/candidates/${encodeURIComponent(studyId)}`;
export const pagePath = (reviewId: string, studyId: string) => `/curate/reviews/${encodeURIComponent(reviewId)}/candidates/${encodeURIComponent(studyId)}`;

