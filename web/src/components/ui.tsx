/** Small shared pieces: loading and error notes, the range picker, confirmation of actions. */
import type { ComponentChildren } from 'preact';
import type { ApiError } from '../api/client';

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorNote({ error, what }: { error: ApiError | Error | undefined; what?: string }) {
  if (!error) return null;
  const status = (error as ApiError).status;
  const hint = status === 403 ? ' This needs a key with more scopes.' : status === 0 ? ' Is the server running?' : '';
  return (
    <p class="error-note" role="alert">
      <span aria-hidden="true">⚠ </span>
      {what ? `Could not load ${what}: ` : ''}
      {error.message}
      {hint}
    </p>
  );
}

export type Range = '7d' | '30d' | '90d';

/** 7 / 30 / 90 days, as a group of toggle buttons (keyboard: Tab to a button, Enter/Space). */
export function RangePicker({ value, onChange, label = 'Range' }: { value: Range; onChange: (r: Range) => void; label?: string }) {
  return (
    <div class="segmented" role="group" aria-label={label}>
      {(['7d', '30d', '90d'] as const).map((r) => (
        <button key={r} type="button" aria-pressed={value === r} class={value === r ? 'on' : undefined} onClick={() => onChange(r)}>
          {r.replace('d', ' days')}
        </button>
      ))}
    </div>
  );
}

export function Card({ title, children, actions, id, class: cls }: { title?: ComponentChildren; children: ComponentChildren; actions?: ComponentChildren; id?: string; class?: string }) {
  return (
    <section class={`card ${cls ?? ''}`} id={id} aria-labelledby={id && title ? `${id}-title` : undefined}>
      {(title || actions) && (
        <header class="card-head">
          {title && <h2 id={id ? `${id}-title` : undefined}>{title}</h2>}
          {actions && <div class="card-actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}

/** Shown instead of an action button to a key without the admin scope. */
export function NeedsAdmin({ what }: { what: string }) {
  return <span class="hint">Sign in with an admin key to {what}.</span>;
}

/** A table column heading; `num` right-aligns numbers. */
export type Column = string | { label: string; num?: boolean };

/**
 * The list pages' common body: the load error, an optional notice (an action's error), then
 * loading, an empty note, or the table with its headings; `rows` renders the table body.
 */
export function ListTable<T>({
  res,
  what,
  empty,
  columns,
  notice,
  rows,
}: {
  res: { data: { items: T[] } | undefined; error: ApiError | undefined };
  what: string;
  empty: string;
  columns: Column[];
  notice?: ComponentChildren;
  rows: (items: T[]) => ComponentChildren;
}) {
  return (
    <>
      <ErrorNote error={res.error} what={what} />
      {notice}
      {!res.data ? (
        !res.error && <Loading what={what} />
      ) : res.data.items.length === 0 ? (
        <p class="empty card">{empty}</p>
      ) : (
        <Card>
          <div class="table-wrap">
            <table class="data-table" aria-label={what}>
              <thead>
                <tr>
                  {columns.map((c) =>
                    typeof c === 'string' ? (
                      <th scope="col">{c}</th>
                    ) : (
                      <th scope="col" class={c.num ? 'num' : undefined}>
                        {c.label}
                      </th>
                    ),
                  )}
                </tr>
              </thead>
              <tbody>{rows(res.data.items)}</tbody>
            </table>
          </div>
        </Card>
      )}
    </>
  );
}
