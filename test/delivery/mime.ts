/** Just enough MIME to read what nodemailer sends: headers, multipart bodies, quoted-printable, base64, encoded words. */

export interface MimePart {
  headers: Record<string, string>;
  body: string;
}

function splitHead(raw: string): [Record<string, string>, string] {
  const at = raw.indexOf('\r\n\r\n');
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return [headers, body];
}

const decodeQp = (s: string): string =>
  Buffer.from(
    s
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');

function decodeBody(headers: Record<string, string>, body: string): string {
  const enc = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  if (enc === 'quoted-printable') return decodeQp(body);
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

/** `=?UTF-8?Q?…?=` and `=?UTF-8?B?…?=` words of a header, decoded. */
export function decodeWords(v: string): string {
  return v
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, kind: string, text: string) =>
      kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQp(text.replace(/_/g, ' ')),
    );
}

/** The message's headers and its leaf parts (text/plain, text/html…), decoded. */
export function parseMail(raw: string): { headers: Record<string, string>; parts: MimePart[] } {
  const [headers, body] = splitHead(raw);
  const parts: MimePart[] = [];
  const walk = (h: Record<string, string>, b: string) => {
    const boundary = /boundary="?([^";]+)"?/i.exec(h['content-type'] ?? '')?.[1];
    if (!boundary) {
      parts.push({ headers: h, body: decodeBody(h, b) });
      return;
    }
    for (const chunk of b.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      const [ph, pb] = splitHead(chunk.replace(/^\r\n/, ''));
      walk(ph, pb.replace(/\r\n$/, ''));
    }
  };
  walk(headers, body);
  return { headers, parts };
}
