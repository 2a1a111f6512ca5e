import { describe, expect, inject, it } from 'vitest';
import { CloseCode, planDocName } from '@tandem/shared';
import { connectDb } from '@tandem/server/db/connect.ts';
import { startTestServer } from '../helpers/server.ts';
import { demoPlans, loginAs } from '../helpers/api.ts';
import { connectSocket } from '../helpers/socket.ts';
import { mapUpdate, rawClient, storedDoc } from './collab/helpers.ts';

describe('stopping an instance', () => {
  it('closes the open editors and live sockets, stores what they sent, and finishes', async () => {
    const server = await startTestServer({ seedDemo: true });
    const { north } = await demoPlans(server.url);
    const therapist = await loginAs(server.url, 'therapist');
    const docName = planDocName(north, 'care');
    // Raw clients never close by themselves: the instance has to close them to finish.
    const open = async () => {
      const c = rawClient(`${server.url.replace('http', 'ws')}/collab`, docName, {
        token: therapist.token!,
      });
      await c.opened;
      await new Promise<void>((resolve) => c.ws.once('message', () => resolve()));
      return c;
    };
    const editor = await open();
    const peer = await open();
    const live = await connectSocket(server.url, therapist.token!);
    const liveClosed = new Promise<string>((resolve) => live.once('disconnect', resolve));

    const mark = `sent just before the stop ${Date.now()}`;
    editor.sendUpdate(mapUpdate('shutdownCheck', 'note', mark));
    // Relayed to the peer means accepted: from here on the instance owes it to the log.
    await expect.poll(() => peer.doc.getMap('shutdownCheck').get('note')).toBe(mark);
    await server.tandem.close();

    expect(await editor.closed).toEqual({
      code: CloseCode.ShuttingDown,
      reason: 'server shutting down',
    });
    // Dropped, not sent away: Socket.IO clients reconnect by themselves (to another instance).
    expect(await liveClosed).toBe('transport close');
    const conn = await connectDb(inject('mongodbUri'), server.dbName);
    try {
      const stored = await storedDoc(conn, docName);
      expect(stored.getMap('shutdownCheck').get('note')).toBe(mark);
    } finally {
      await conn.close();
    }
  });
});
