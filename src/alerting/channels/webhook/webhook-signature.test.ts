import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from './webhook-signature.js';

describe('webhook signature', () => {
  it('is sha256= and the hex HMAC-SHA256 of the exact body', () => {
    const body = '{"a":1}';
    expect(signBody(body, 'k3y-s3cret')).toBe(`sha256=${createHmac('sha256', 'k3y-s3cret').update(body).digest('hex')}`);
  });

  it('verifies the right body and secret only', () => {
    const sig = signBody('{"a":1}', 'k3y-s3cret');
    expect(verifySignature('{"a":1}', 'k3y-s3cret', sig)).toBe(true);
    expect(verifySignature('{"a":2}', 'k3y-s3cret', sig)).toBe(false);
    expect(verifySignature('{"a":1}', 'other-secret', sig)).toBe(false);
    expect(verifySignature('{"a":1}', 'k3y-s3cret', undefined)).toBe(false);
    expect(verifySignature('{"a":1}', 'k3y-s3cret', 'sha256=00')).toBe(false);
  });
});
