/** The page frame of the curator UI (and the UI's Content-Security-Policy). */
import type { Child, FC } from 'hono/jsx';
import type { Actor } from '../../core/curation/workflow.js';

export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const Layout: FC<{ title: string; actor?: Actor; children?: Child }> = ({ title, actor, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title} — Living evidence curation</title>
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href="/curate/assets/app.css" />
    </head>
    <body>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <nav aria-label="Main">
          <a href="/curate">Reviews</a>
          <a href="/">Dashboard</a>
        </nav>
        {actor ? (
          <span class="muted">
            Signed in as {actor.name ?? actor.id} ({actor.role}) · <a href="/curate/logout">Sign out</a>
          </span>
        ) : null}
      </header>
      <main id="main">
        <p id="status" class="status" role="status" aria-live="polite"></p>
        {children}
      </main>
      <script src="/curate/assets/app.js" defer></script>
    </body>
  </html>
);
