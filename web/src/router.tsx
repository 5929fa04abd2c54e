/**
 * A small History-API router: paths like /models/loan-approval/fairness survive a reload (the
 * server answers index.html for them). Path segments are percent-decoded once, here.
 */
import type { AnchorHTMLAttributes, ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

const EVENT = 'dw:navigate';

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(EVENT));
}

/** The current location (path and query), re-rendering on navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const [loc, setLoc] = useState(() => ({ path: location.pathname, search: location.search }));
  useEffect(() => {
    const update = () => setLoc({ path: location.pathname, search: location.search });
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return { path: loc.path, query: new URLSearchParams(loc.search) };
}

/** Match `/models/:id/fairness` against a path; params decoded. Null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) {
      try {
        params[p[i].slice(1)] = decodeURIComponent(s[i]);
      } catch {
        return null;
      }
    } else if (p[i] !== s[i]) return null;
  }
  return params;
}

type AnchorProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children?: ComponentChildren };

/** An anchor that navigates in-app on a plain click and behaves as a link otherwise (new tab, copy). */
export function Link({ href, children, ...rest }: AnchorProps) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
    window.scrollTo(0, 0);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}

/** Paths of the app's pages, with ids encoded. */
export const paths = {
  overview: () => '/',
  model: (id: string, tab?: 'fairness' | 'performance', record?: string) => `/models/${encodeURIComponent(id)}${tab ? `/${tab}` : ''}${record ? `?record=${encodeURIComponent(record)}` : ''}`,
  incidents: (modelId?: string) => (modelId ? `/incidents?model_id=${encodeURIComponent(modelId)}` : '/incidents'),
  incident: (id: string) => `/incidents/${encodeURIComponent(id)}`,
  alerts: (modelId?: string) => (modelId ? `/alerts?model_id=${encodeURIComponent(modelId)}` : '/alerts'),
  baselines: () => '/baselines',
  silences: () => '/silences',
  rules: () => '/rules',
  jobs: () => '/jobs',
};
