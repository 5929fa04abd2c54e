/** A URL with its password, path and query hidden: `https://hooks.slack.com/…`, `smtp://alerts:***@mail:587`. */
export function maskUrl(raw: string, keepPath = false): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return '***';
  }
  const user = u.username ? `${decodeURIComponent(u.username)}${u.password ? ':***' : ''}@` : '';
  const path = keepPath ? u.pathname : u.pathname === '/' || u.pathname === '' ? '' : '/…';
  return `${u.protocol}//${user}${u.host}${path}${u.search && keepPath ? '?…' : ''}`;
}

/** A key shown by its last four characters only (what PagerDuty's own UI does). */
export const maskKey = (key: string): string => (key.length <= 8 ? '***' : `***${key.slice(-4)}`);

/**
 * Remove every secret from a text (an error message, a receiver's answer) before it is logged
 * or stored as a delivery's last_error. Secrets shorter than 4 characters are left alone: they
 * would mangle ordinary words and protect nothing.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    out = out.split(s).join('***');
    const encoded = encodeURIComponent(s);
    if (encoded !== s) out = out.split(encoded).join('***');
  }
  return out;
}

/**
 * The secret parts of a URL that must not leak: the URL itself, and its path and query on their
 * own (a Slack webhook's token is its path; receivers echo paths in their errors).
 */
export function urlSecrets(raw: string): string[] {
  const out = [raw];
  try {
    const u = new URL(raw);
    const rest = `${u.pathname}${u.search}`;
    if (rest.length >= 8) out.push(rest);
    if (u.pathname.length >= 8) out.push(u.pathname);
    if (u.password) out.push(decodeURIComponent(u.password));
  } catch {
    /* not a URL: the whole text is the secret */
  }
  return [...new Set(out)];
}
