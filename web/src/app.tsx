/** The signed-in shell: header with navigation, the alert banner, and the page of the current path. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, createApi } from './api/client';
import type { SessionInfo } from './api/types';
import { AlertBanner } from './components/alert-banner';
import { Link, match, paths, useLocation } from './router';
import { type Session, SessionContext, storeKey, storedKey } from './session';
import { AlertsPage } from './pages/alerts';
import { BaselinesPage } from './pages/baselines';
import { IncidentPage } from './pages/incident-detail';
import { IncidentsPage } from './pages/incidents';
import { JobsPage } from './pages/jobs';
import { ModelPage } from './pages/model/model-page';
import { OverviewPage } from './pages/overview';
import { RulesPage } from './pages/rules';
import { SignIn } from './pages/sign-in';
import { SilencesPage } from './pages/silences';

const NAV: { href: string; label: string; active: (p: string) => boolean }[] = [
  { href: paths.overview(), label: 'Overview', active: (p) => p === '/' || p.startsWith('/models/') },
  { href: paths.incidents(), label: 'Incidents', active: (p) => p.startsWith('/incidents') },
  { href: paths.alerts(), label: 'Alerts', active: (p) => p.startsWith('/alerts') },
  { href: paths.baselines(), label: 'Baselines', active: (p) => p.startsWith('/baselines') },
  { href: paths.silences(), label: 'Silences', active: (p) => p.startsWith('/silences') },
  { href: paths.rules(), label: 'Rules', active: (p) => p.startsWith('/rules') },
  { href: paths.jobs(), label: 'Job runs', active: (p) => p.startsWith('/jobs') },
];

function Route({ path, query }: { path: string; query: URLSearchParams }) {
  let m: Record<string, string> | null;
  if (path === '/' || path === '') return <OverviewPage />;
  if ((m = match('/models/:id', path))) return <ModelPage modelId={m.id} tab="drift" recordId={query.get('record') ?? undefined} />;
  if ((m = match('/models/:id/fairness', path))) return <ModelPage modelId={m.id} tab="fairness" recordId={query.get('record') ?? undefined} />;
  if ((m = match('/models/:id/performance', path))) return <ModelPage modelId={m.id} tab="performance" recordId={query.get('record') ?? undefined} />;
  if (path === '/incidents') return <IncidentsPage modelId={query.get('model_id') ?? undefined} />;
  if ((m = match('/incidents/:id', path))) return <IncidentPage incidentId={m.id} />;
  if (path === '/alerts') return <AlertsPage modelId={query.get('model_id') ?? undefined} />;
  if (path === '/baselines') return <BaselinesPage />;
  if (path === '/silences') return <SilencesPage />;
  if (path === '/rules') return <RulesPage />;
  if (path === '/jobs') return <JobsPage />;
  return (
    <div class="card">
      <h1>Not found</h1>
      <p>
        There is no page here. <Link href="/">Go to the overview</Link>.
      </p>
    </div>
  );
}

export function App() {
  const [key, setKey] = useState<string | null>(() => storedKey());
  const [info, setInfo] = useState<SessionInfo | null>(null);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const { path, query } = useLocation();

  const signOut = (why?: string) => {
    storeKey(null);
    setKey(null);
    setInfo(null);
    setNotice(why);
  };

  // a key kept from earlier in this tab is checked again on load
  useEffect(() => {
    if (!key || info) return;
    createApi(key, () => undefined)
      .get<SessionInfo>('/api/v1/session')
      .then(setInfo, (e: unknown) => {
        // a rejected key signs out; a server that cannot be reached leaves the pages to say so
        if (e instanceof ApiError && e.status === 401) signOut('Your key is no longer valid; sign in again.');
      });
  }, [key]);

  // A key kept in this tab is used at once (the page loads while it is checked again): read
  // access is assumed until the server says otherwise; acting waits for the admin scope.
  const session = useMemo<Session | null>(() => {
    if (!key) return null;
    const known = info ?? { key_id: '', name: '', scopes: [] };
    const admin = known.scopes.includes('admin');
    return {
      api: createApi(key, () => signOut('The server rejected your key; sign in again.')),
      info: known,
      verified: info !== null,
      canAct: admin,
      canRead: info === null || admin || known.scopes.includes('read'),
      signOut: () => signOut('Signed out.'),
    };
  }, [key, info]);

  useEffect(() => {
    document.title = 'driftwatch';
  }, [path]);

  if (!key || !session) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(k, i) => {
          storeKey(k);
          setKey(k);
          setInfo(i);
          setNotice(undefined);
        }}
      />
    );
  }
  const modelRoute = match('/models/:id', path) ?? match('/models/:id/fairness', path) ?? match('/models/:id/performance', path);
  return (
    <SessionContext.Provider value={session}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <Link href="/" class="brand">
          <span class="logo" aria-hidden="true">◭</span> driftwatch
        </Link>
        <nav aria-label="main">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={n.active(path) ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span class="badge st-none" title={`key ${session.info.key_id}`}>
            {session.verified ? `${session.info.name} · ${session.canAct ? 'admin' : session.canRead ? 'read only' : session.info.scopes.join(', ')}` : 'checking the key…'}
          </span>
          <button type="button" onClick={() => session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      {session.canRead ? (
        <>
          <AlertBanner modelId={modelRoute?.id} />
          <main id="main" tabIndex={-1}>
            <Route path={path} query={query} />
          </main>
        </>
      ) : (
        <main id="main" class="card">
          <p>This key has the scopes {session.info.scopes.join(', ')}; the dashboard needs <code>read</code> or <code>admin</code>.</p>
        </main>
      )}
    </SessionContext.Provider>
  );
}

