import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { mongoCollabStore } from '@tandem/server/collab/persistence/mongo-store.ts';
import { collabModels } from '@tandem/server/collab/persistence/models.ts';
import {
  connectClient,
  docName,
  rawClient,
  stalledLoads,
  startEngine,
  storedDoc,
} from './helpers.ts';

describe('collab engine, two instances sharing Redis', () => {
  it('lets clients on different instances co-edit, converge and see each other', async () => {
    const one = await startEngine({ redis: true });
    const two = await startEngine({ redis: true, dbName: one.dbName });
    const name = docName();
    const a = connectClient(one.wsUrl, name, { token: 'alice', tandem: true });
    const b = connectClient(two.wsUrl, name, { token: 'bob', tandem: true });
    await Promise.all([a.synced, b.synced]);

    a.doc.getArray('goals').push(['sleep']);
    b.doc.getArray('goals').push(['walk']);
    const text = a.doc.getText('therapy');
    for (let i = 0; i < 30; i++) {
      text.insert(text.length, 'a');
      b.doc.getText('therapy').insert(0, 'b');
    }
    await vi.waitFor(() => {
      expect(a.doc.getText('therapy').length).toBe(60);
      expect(b.doc.getText('therapy').length).toBe(60);
      expect(Y.encodeStateAsUpdate(a.doc)).toEqual(Y.encodeStateAsUpdate(b.doc));
    });
    await vi.waitFor(() => {
      expect(a.saves.status).toBe('saved');
      expect(b.saves.status).toBe('saved');
    });

    // Presence crosses instances, stamped by the instance the user is on.
    a.provider.awareness.setLocalStateField('cursor', { index: 1 });
    await vi.waitFor(() =>
      expect(b.provider.awareness.getStates().get(a.doc.clientID)).toMatchObject({
        user: { id: 'alice' },
        cursor: { index: 1 },
      }),
    );

    // Each change is stored once, by the instance its author is connected to.
    const stored = await storedDoc(one.conn, name);
    expect(stored.getText('therapy').toString()).toBe(a.doc.getText('therapy').toString());
    const rows = await collabModels(one.conn).Updates.find({ docName: name }).lean();
    const aliceRows = rows.filter((r) => r.userId === 'alice').length;
    const bobRows = rows.filter((r) => r.userId === 'bob').length;
    expect(aliceRows).toBe(31);
    expect(bobRows).toBe(31);
  });

  it('loses nothing written while another instance is still loading the document', async () => {
    const one = await startEngine({ redis: true });
    const name = docName();
    const writer = connectClient(one.wsUrl, name, { token: 'alice', tandem: true });
    await writer.synced;
    writer.doc.getMap('goals').set('before', 0);
    await vi.waitFor(() => expect(writer.saves.status).toBe('saved'));

    // The second instance reads the database, then stalls while the first keeps writing.
    const stall = stalledLoads();
    const two = await startEngine({ redis: true, dbName: one.dbName, options: stall.options });
    const late = connectClient(two.wsUrl, name, { token: 'bob' });
    await stall.loadStarted;
    for (let i = 1; i <= 20; i++) writer.doc.getMap('goals').set(`during-${i}`, i);
    await vi.waitFor(() => expect(writer.saves.status).toBe('saved'));
    stall.release();
    await late.synced;
    await vi.waitFor(() =>
      expect(late.doc.getMap('goals').toJSON()).toEqual(writer.doc.getMap('goals').toJSON()),
    );
    expect(late.doc.getMap('goals').size).toBe(21);
  });

  it('stores changes whose instance never confirmed them, and acks its own clients', async () => {
    // Instance one accepts and fans out, but its database writes hang (a stalled disk).
    let unstall!: () => void;
    const stalled = new Promise<void>((r) => (unstall = r));
    const one = await startEngine({
      redis: true,
      options: (conn) => {
        const store = mongoCollabStore(conn);
        return {
          store: { ...store, append: async (rows) => stalled.then(() => store.append(rows)) },
        };
      },
    });
    const two = await startEngine({
      redis: true,
      dbName: one.dbName,
      options: { takeoverMs: 500 },
    });
    const name = docName();
    const onTwo = connectClient(two.wsUrl, name, { token: 'bob', tandem: true });
    await onTwo.synced;
    const onOne = connectClient(one.wsUrl, name, { token: 'alice', tandem: true });
    await onOne.synced;
    onOne.doc.getMap('goals').set('from-one', 'stalled instance');
    await vi.waitFor(() =>
      expect(onTwo.doc.getMap('goals').get('from-one')).toBe('stalled instance'),
    );
    // Bob's next edit is acknowledged only once everything two holds is stored, including Alice's.
    onTwo.doc.getMap('goals').set('from-two', 'healthy instance');
    await vi.waitFor(() => expect(onTwo.saves.status).toBe('saved'), { timeout: 10_000 });
    expect(onOne.saves.status).toBe('saving');
    const rows = await collabModels(two.conn).Updates.find({ docName: name }).lean();
    expect(rows.map((r) => r.userId).sort()).toEqual(['alice', 'bob']);
    expect((await storedDoc(two.conn, name)).getMap('goals').toJSON()).toEqual({
      'from-one': 'stalled instance',
      'from-two': 'healthy instance',
    });
    unstall();
  });

  it('fills a gap left by a change that was stored but never fanned out', async () => {
    const one = await startEngine({ redis: true });
    const two = await startEngine({ redis: true, dbName: one.dbName });
    const name = docName();
    const onOne = connectClient(one.wsUrl, name, { token: 'alice' });
    const onTwo = connectClient(two.wsUrl, name, { token: 'bob' });
    await Promise.all([onOne.synced, onTwo.synced]);

    // A third instance stored this edit and died before publishing it.
    const author = new Y.Doc();
    const first: Uint8Array[] = [];
    author.on('update', (u: Uint8Array) => first.push(u));
    author.getArray('goals').push(['stored, never fanned out']);
    await mongoCollabStore(one.conn).append([
      { docName: name, update: first[0]!, userId: 'carol', sections: ['goals'], at: new Date() },
    ]);
    // Its author reconnects elsewhere and builds on it; both instances lack the first edit.
    const rest = rawClient(one.wsUrl, name, { token: 'carol' });
    await rest.opened;
    const sv = Y.encodeStateVector(author);
    author.getArray('goals').push(['builds on it']);
    rest.sendUpdate(Y.encodeStateAsUpdate(author, sv));

    const expected = ['stored, never fanned out', 'builds on it'];
    await vi.waitFor(
      () => {
        expect(onOne.doc.getArray('goals').toArray()).toEqual(expected);
        expect(onTwo.doc.getArray('goals').toArray()).toEqual(expected);
      },
      { timeout: 10_000 },
    );
  });

  it('trims stream entries once they are stored, and keeps what is not stored yet', async () => {
    let unstall!: () => void;
    const stalled = new Promise<void>((r) => (unstall = r));
    const fast = { streamGraceMs: 0, trimEveryMs: 100, takeoverMs: 60_000 };
    const one = await startEngine({
      redis: true,
      options: (conn) => {
        const store = mongoCollabStore(conn);
        return {
          ...fast,
          store: { ...store, append: async (rows) => stalled.then(() => store.append(rows)) },
        };
      },
    });
    const two = await startEngine({ redis: true, dbName: one.dbName, options: fast });
    const name = docName();
    const key = `tandem:${one.dbName}:collab:${name}`;
    const updates = async () =>
      ((await one.redis!.sendCommand(['XRANGE', key, '-', '+'])) as [string, string[]][]).filter(
        ([, f]) => f[1] === 'update',
      ).length;

    const onTwo = connectClient(two.wsUrl, name, { token: 'bob', tandem: true });
    const onOne = connectClient(one.wsUrl, name, { token: 'alice', tandem: true });
    await Promise.all([onOne.synced, onTwo.synced]);
    for (let i = 0; i < 5; i++) onTwo.doc.getMap('goals').set(`stored-${i}`, i);
    await vi.waitFor(() => expect(onTwo.saves.status).toBe('saved'));
    for (let i = 0; i < 5; i++) onOne.doc.getMap('goals').set(`stalled-${i}`, i);
    await vi.waitFor(() => expect(onTwo.doc.getMap('goals').size).toBe(10));

    // Trimming cuts the stored prefix; one's changes, never stored, stay for a loader.
    await vi.waitFor(async () => expect(await updates()).toBe(5));
    await new Promise((r) => setTimeout(r, 500));
    expect(await updates()).toBe(5);
    expect(onOne.saves.status).toBe('saving');

    unstall();
    await vi.waitFor(() => expect(onOne.saves.status).toBe('saved'));
    await vi.waitFor(async () => expect(await updates()).toBe(0));
  });
});
