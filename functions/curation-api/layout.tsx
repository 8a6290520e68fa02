/** The page frame of the curator UI (and the UI's Content-Security-Policy). */
import type { Child, FC } from 'hono/jsx';
import { raw } from 'hono/html';
import type { Actor } from '../../core/curation/workflow.js';

export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Every page starts with the doctype (standards mode, not quirks). */
export const Layout: FC<{ title: string; actor?: Actor; children?: Child }> = ({ title, actor, children }) => (
  <>
  {raw('<!DOCTYPE html>')}
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title} — Living evidence curation</title>
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href="/curate/assets/app.css" />
      <link rel="stylesheet" href="/curate/assets/screening.css" />
      <link rel="stylesheet" href="/curate/assets/extraction.css" />
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
      <script src="/curate/assets/screening.js" defer></script>
      <script src="/curate/assets/extraction.js" defer></script>
    </body>
  </html>
  </>
);

/** The fields an error names, each with its message in plain words (nothing when there are none). */
export const FieldList: FC<{ fields?: { path: string; message: string }[]; marked?: boolean }> = ({ fields, marked }) =>
  fields?.length ? (
    <ul data-fields={marked ? true : undefined}>
      {fields.map((f) => (
        <li>
          <strong>{f.path}</strong>: {f.message}
        </li>
      ))}
    </ul>
  ) : null;

/** An error as a page (curator pages): what went wrong, in plain words, and the fields. */
export const ErrorPage: FC<{ status: number; error: string; fields?: { path: string; message: string }[] }> = ({ status, error, fields }) => (
  <Layout title={`Error ${status}`}>
    <h1>
      {status === 404 ? 'Not found' : status === 400 ? 'This address is not valid' : status === 409 ? 'Not possible now' : 'Something went wrong'} ({status})
    </h1>
    <p>{error}</p>
    <FieldList fields={fields} />
    <p>
      <a href="/curate">Back to the reviews</a>
    </p>
  </Layout>
);
