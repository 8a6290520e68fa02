/**
 * Curator home page hook: accepted studies that have since been retracted (they leave the pooled
 * analysis at the next reanalysis; this tells the curators why and links to the study).
 */
import type { FC } from 'hono/jsx';
import type { RetractionAlert } from '../adapters/retraction-alerts.js';

export const RetractionNotices: FC<{ alerts: { title: string; alert: RetractionAlert }[] }> = ({ alerts }) =>
  alerts.length === 0 ? null : (
    <section aria-labelledby="retractions" data-testid="retraction-notices">
      <h2 id="retractions">Retracted after acceptance</h2>
      <p>These studies were retracted after curators accepted them. They have left the pooled analyses; the notice is in each review's history.</p>
      <ul>
        {alerts.map(({ title, alert }) => (
          <li>
            <a href={`/curate/reviews/${encodeURIComponent(alert.reviewId)}/candidates/${encodeURIComponent(alert.studyId)}`}>{alert.studyId}</a> ({title}, {alert.at.slice(0, 10)}
            {alert.status ? `, was ${alert.status}` : ''}): {alert.notice}
          </li>
        ))}
      </ul>
    </section>
  );
