import { describe, expect, it } from 'vitest';
import { maskKey, maskUrl, redact, urlSecrets } from './secrets.js';

describe('secrets', () => {
  it('masks URLs down to scheme, user and host', () => {
    expect(maskUrl('https://hooks.slack.com/services/T000/B000/XXXXSECRET')).toBe('https://hooks.slack.com/…');
    expect(maskUrl('smtp://alerts:p%40ss@mail.example.com:587')).toBe('smtp://alerts:***@mail.example.com:587');
    expect(maskUrl('https://events.pagerduty.com/v2/enqueue', true)).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(maskUrl('https://example.com/hook?token=abc', true)).toBe('https://example.com/hook?…');
    expect(maskUrl('not a url')).toBe('***');
  });

  it('masks keys to their last four characters', () => {
    expect(maskKey('R0UTINGKEY0123456789abcd')).toBe('***abcd');
    expect(maskKey('short')).toBe('***');
  });

  it('redacts secrets, plain and URL-encoded, from text', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';
    expect(redact(`POST ${url} failed`, [url])).toBe('POST *** failed');
    expect(redact('auth p@ss:word and p%40ss%3Aword', ['p@ss:word'])).toBe('auth *** and ***');
    expect(redact('a b', ['a'])).toBe('a b');
  });
});

describe('urlSecrets', () => {
  it('lists the URL, its path (with query) and password', () => {
    expect(urlSecrets('https://hooks.slack.com/services/T0/B0/XYZ')).toEqual(['https://hooks.slack.com/services/T0/B0/XYZ', '/services/T0/B0/XYZ']);
    expect(urlSecrets('smtp://u:s3cr3t@mail:25')).toEqual(['smtp://u:s3cr3t@mail:25', 's3cr3t']);
  });
});
