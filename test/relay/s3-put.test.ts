/**
 * The relay's own PutObject (adapters/s3-store.ts + s3-sigv4.ts): SigV4 checked against AWS's
 * published example and against the SDK's signer; the request as a server receives it (path,
 * SSE, tags, body, payload hash); S3 error answers; clock skew; a stale keep-alive socket.
 * s3rver does not verify signatures, hence the checks against reference signatures here.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { amzDate, sha256Hex, SigV4, uriEncode } from '../../src/relay/adapters/s3-sigv4.js';
import { bucketLocation, s3Store } from '../../src/relay/adapters/s3-store.js';
import { resolveConfig } from '../../src/relay/config.js';

test('SigV4: the S3 documentation example (PUT Object, single chunk)', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "Example: PUT Object"
  const payloadHash = sha256Hex('Welcome to Amazon S3.');
  assert.is(payloadHash, '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
  const auth = new SigV4().authorization({
    method: 'PUT',
    path: '/' + uriEncode('test$file.text', true),
    headers: {
      date: 'Fri, 24 May 2013 00:00:00 GMT',
      host: 'examplebucket.s3.amazonaws.com',
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    },
    payloadHash,
    date: '20130524T000000Z',
    region: 'us-east-1',
    service: 's3',
  }, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
  assert.is(auth, 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, '
    + 'SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, '
    + 'Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
});

class NodeSha256 {
  private readonly h;
  constructor(secret?: string | Uint8Array) {
    this.h = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(d: Uint8Array | string) {
    this.h.update(d);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

test('SigV4: the same signature as the SDK signer, with a session token, on two days', async () => {
  const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret/key+1', sessionToken: 'token=abc' };
  const sdk = new SignatureV4({ credentials: creds, region: 'eu-west-1', service: 's3', sha256: NodeSha256 as never, uriEscapePath: false, applyChecksum: true });
  const mine = new SigV4();
  for (const ms of [Date.UTC(2026, 10, 23, 23, 59, 59), Date.UTC(2026, 10, 24, 0, 0, 1)]) {
    const body = new TextEncoder().encode('{"a": 1}\n');
    const path = '/quietcam-contributions/' + uriEncode('contributions/alice/porch/2026/11/23/b-1/meta.json', true);
    const headers: Record<string, string> = {
      host: '127.0.0.1:4568',
      'content-length': String(body.length),
      'content-type': 'application/json',
      'x-amz-content-sha256': sha256Hex(body),
      'x-amz-date': amzDate(ms),
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:eu-west-1:111122223333:key/k',
      'x-amz-tagging': 'purpose=motion%2Bobjectron',
      'x-amz-security-token': creds.sessionToken,
    };
    const signed = await sdk.sign(new HttpRequest({ method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port: 4568, path, headers: { ...headers }, body }), { signingDate: new Date(ms) });
    const auth = mine.authorization({ method: 'PUT', path, headers, payloadHash: headers['x-amz-content-sha256'], date: headers['x-amz-date'], region: 'eu-west-1', service: 's3' }, creds);
    assert.is(auth, signed.headers.authorization);
  }
});

test('SigV4 helpers: date format, strict URI encoding', () => {
  assert.is(amzDate(Date.UTC(2026, 4, 3, 7, 8, 9, 123)), '20260503T070809Z');
  assert.is(uriEncode("a b/c!'()*~._-", true), "a%20b/c%21%27%28%29%2A~._-");
  assert.is(uriEncode('a/b'), 'a%2Fb');
});

test('addressing: AWS virtual-hosted (path-style for dotted buckets), endpoints path-style', () => {
  const loc = (s3: object) => {
    const l = bucketLocation(resolveConfig({ s3 }).s3);
    return l.origin.origin + l.pathPrefix;
  };
  assert.is(loc({}), 'https://quietcam-contributions.s3.eu-west-1.amazonaws.com/');
  assert.is(loc({ bucket: 'my.bucket', region: 'us-east-2' }), 'https://s3.us-east-2.amazonaws.com/my.bucket/');
  assert.is(loc({ region: 'cn-north-1' }), 'https://quietcam-contributions.s3.cn-north-1.amazonaws.com.cn/');
  assert.is(loc({ forcePathStyle: true }), 'https://s3.eu-west-1.amazonaws.com/quietcam-contributions/');
  assert.is(loc({ endpoint: 'http://127.0.0.1:4568' }), 'http://127.0.0.1:4568/quietcam-contributions/');
  assert.is(loc({ endpoint: 'https://minio.lan:9000/s3/', forcePathStyle: false }), 'https://quietcam-contributions.minio.lan:9000/s3/');
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A one-route HTTP server: records each request, answers with `reply`. */
async function fakeS3(reply: (n: number, res: ServerResponse) => void): Promise<{ server: Server; endpoint: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(parts) });
      reply(seen.length, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const s3Config = (endpoint: string, extra: object = {}) =>
  resolveConfig({ s3: { endpoint, accessKeyId: 'AK', secretAccessKey: 'SK', sse: 'aws:kms', kmsKeyId: 'key-1', ...extra } }).s3;

test('PutObject as the server sees it: path, body, hash, SSE, tags; what observers see is what was sent', async () => {
  const s3 = await fakeS3((_n, res) => res.end());
  const store = s3Store(s3Config(s3.endpoint));
  const observed: Record<string, string>[] = [];
  store.observe((r) => observed.push(r.headers));
  const body = Uint8Array.from([1, 2, 3, 250]);
  await store.put({ key: 'contributions/alice/porch/2026/11/23/b-1/2-sky.png', body, contentType: 'image/png', tags: { purpose: 'motion+objectron' } });
  store.close();
  s3.server.close();
  assert.is(s3.seen.length, 1);
  const r = s3.seen[0];
  assert.is(r.method, 'PUT');
  assert.is(r.url, '/quietcam-contributions/contributions/alice/porch/2026/11/23/b-1/2-sky.png');
  assert.equal([...r.body], [...body]);
  assert.is(r.headers['x-amz-content-sha256'], createHash('sha256').update(body).digest('hex'));
  assert.is(r.headers['x-amz-server-side-encryption'], 'aws:kms');
  assert.is(r.headers['x-amz-server-side-encryption-aws-kms-key-id'], 'key-1');
  assert.is(r.headers['x-amz-tagging'], 'purpose=motion%2Bobjectron');
  assert.is(r.headers['content-type'], 'image/png');
  assert.match(String(r.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AK\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-server-side-encryption;x-amz-server-side-encryption-aws-kms-key-id;x-amz-tagging, Signature=[0-9a-f]{64}$/);
  assert.is(observed.length, 1);
  assert.is(observed[0].authorization, r.headers.authorization);
});

test('an S3 error answer rejects with its code; RequestTimeTooSkewed corrects the clock for the next put', async () => {
  const serverDate = new Date(Date.now() + 3600_000); // the server's clock is an hour ahead
  const s3 = await fakeS3((n, res) => {
    if (n === 1) {
      res.writeHead(500, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0"?><Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>');
    } else if (n === 2) {
      res.writeHead(403, { 'content-type': 'application/xml', date: serverDate.toUTCString() });
      res.end('<Error><Code>RequestTimeTooSkewed</Code><Message>The difference is too large.</Message></Error>');
    } else res.end();
  });
  const store = s3Store(s3Config(s3.endpoint));
  const put = () => store.put({ key: 'k/1', body: new Uint8Array(1), contentType: 'application/octet-stream', tags: { purpose: 'motion' } });
  const err1 = await put().then(() => null, (e: Error) => e);
  assert.is(err1?.name, 'InternalError');
  assert.match(err1!.message, /500 We encountered an internal error/);
  const err2 = await put().then(() => null, (e: Error) => e);
  assert.is(err2?.name, 'RequestTimeTooSkewed');
  await put();
  store.close();
  s3.server.close();
  const sent = Date.parse(String(s3.seen[2].headers['x-amz-date']).replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  assert.ok(Math.abs(sent - serverDate.getTime()) < 60_000, 'signed with the server clock');
});

test('a keep-alive socket the server closed is retried once at once; a refused connection rejects', async () => {
  const s3 = await fakeS3((n, res) => {
    if (n === 2) res.socket?.destroy(); // the second request dies on the reused socket
    else res.end();
  });
  const store = s3Store(s3Config(s3.endpoint));
  const put = () => store.put({ key: 'k/2', body: new Uint8Array(8), contentType: 'image/png', tags: { purpose: 'motion' } });
  await put();
  await put(); // request 2 reset on the reused socket, request 3 on a new one succeeds
  assert.is(s3.seen.length, 3);
  store.close();
  await new Promise((r) => s3.server.close(r));
  const down = s3Store(s3Config(s3.endpoint, { connectTimeoutMs: 500 }));
  const err = await down.put({ key: 'k/3', body: new Uint8Array(1), contentType: 'image/png', tags: {} }).then(() => null, (e: NodeJS.ErrnoException) => e);
  assert.is(err?.code, 'ECONNREFUSED');
  down.close();
});

test.run();
