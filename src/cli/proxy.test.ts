import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseListen, readMapping } from './proxy.js';

describe('driftwatch proxy options', () => {
  it('reads --listen as [host]:port', () => {
    expect(parseListen(':9000')).toEqual({ host: undefined, port: 9000 });
    expect(parseListen('9000')).toEqual({ host: undefined, port: 9000 });
    expect(parseListen('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListen('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(parseListen('localhost:80')).toEqual({ host: 'localhost', port: 80 });
    for (const bad of ['', 'host', ':70000', 'a:b:c']) expect(() => parseListen(bad), bad).toThrow(/--listen/);
  });

  it('reads --config as JSON, naming the file when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-proxy-cli-'));
    try {
      writeFileSync(join(dir, 'ok.json'), '{"features": "/request/body/x"}');
      writeFileSync(join(dir, 'bad.json'), '{features:');
      expect(readMapping(join(dir, 'ok.json'))).toEqual({ features: '/request/body/x' });
      expect(readMapping(undefined)).toEqual({});
      expect(() => readMapping(join(dir, 'bad.json'))).toThrow(/bad\.json is not valid JSON/);
      expect(() => readMapping(join(dir, 'none.json'))).toThrow(/cannot read .*none\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
