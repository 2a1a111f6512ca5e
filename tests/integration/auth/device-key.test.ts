import { describe, expect, it } from 'vitest';
import type { DeviceKeyResponse } from '@tandem/shared';
import { startTestServer } from '../../helpers/server.ts';
import { Api, loginAs } from '../../helpers/api.ts';

const keyOf = (res: { body: DeviceKeyResponse }) => Buffer.from(res.body.key, 'base64');

describe('GET /auth/device-key', () => {
  it('gives each person one 256-bit key, the same in every session, never cached and never to anyone else', async () => {
    const server = await startTestServer({ seedDemo: true });

    // Two first asks at once agree on one key.
    const [a, b] = await Promise.all([
      loginAs(server.url, 'therapist'),
      loginAs(server.url, 'therapist'),
    ]);
    const [first, second] = await Promise.all([
      a.get<DeviceKeyResponse>('/auth/device-key'),
      b.get<DeviceKeyResponse>('/auth/device-key'),
    ]);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(keyOf(first)).toHaveLength(32);
    expect(keyOf(second)).toEqual(keyOf(first));

    // A later sign-in gets the same key: what a device kept stays readable to its person.
    await a.post('/auth/logout');
    const later = await loginAs(server.url, 'therapist');
    expect(keyOf(await later.get<DeviceKeyResponse>('/auth/device-key'))).toEqual(keyOf(first));

    const prescriber = await loginAs(server.url, 'prescriber');
    const theirs = keyOf(await prescriber.get<DeviceKeyResponse>('/auth/device-key'));
    expect(theirs).toHaveLength(32);
    expect(theirs).not.toEqual(keyOf(first));

    const anonymous = await new Api(server.url).get('/auth/device-key');
    expect(anonymous.status).toBe(401);

    // No user query can carry the key along: it is not in the users collection.
    const users = await server.tandem.ctx.conn.collection('users').find({}).toArray();
    expect(users.every((u) => !('key' in u) && !('deviceKey' in u))).toBe(true);
    expect(await server.tandem.ctx.conn.collection('devicekeys').countDocuments()).toBe(2);
  });
});
