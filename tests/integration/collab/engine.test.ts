import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { CloseCode, CollabMessage, READ_ONLY_REASON } from '@tandem/shared';
import { mongoCollabStore } from '@tandem/server/collab/persistence/mongo-store.ts';
import { collabModels } from '@tandem/server/collab/persistence/models.ts';
import {
  connectClient,
  docName,
  mapUpdate,
  rawClient,
  stalledLoads,
  startEngine,
  storedDoc,
} from './helpers.ts';

describe('collab engine, one instance', () => {
  it('lets unmodified y-websocket clients sync, co-edit and converge', async () => {
    const engine = await startEngine();
    const name = docName();
    const a = connectClient(engine.wsUrl, name, { token: 'alice' });
    const b = connectClient(engine.wsUrl, name, { token: 'bob' });
    await Promise.all([a.synced, b.synced]);

    const goals = a.doc.getArray<Y.Map<unknown>>('goals');
    const goal = new Y.Map<unknown>();
    goal.set('id', 'g1');
    goal.set('title', 'Sleep 7 hours');
    goals.push([goal]);
    b.doc.getText('therapy').insert(0, 'CBT weekly');
    // Concurrent edits of the same field converge too.
    a.doc.getMap('medications').set('sertraline', 50);
    b.doc.getMap('medications').set('sertraline', 100);

    await vi.waitFor(() => {
      expect(b.doc.getArray('goals').toJSON()).toEqual([{ id: 'g1', title: 'Sleep 7 hours' }]);
      expect(a.doc.getText('therapy').toString()).toBe('CBT weekly');
      expect(Y.encodeStateAsUpdate(a.doc)).toEqual(Y.encodeStateAsUpdate(b.doc));
    });

    // A third client joining later receives the whole document.
    const c = connectClient(engine.wsUrl, name, { token: 'carol' });
    await c.synced;
    expect(c.doc.getArray('goals').toJSON()).toEqual(a.doc.getArray('goals').toJSON());
    expect(c.doc.getMap('medications').toJSON()).toEqual(a.doc.getMap('medications').toJSON());
  });

  it('delivers every change on a busy document, where broadcasts leave once per turn', async () => {
    const engine = await startEngine();
    const name = docName();
    // Enough peers that broadcasts are batched (BATCH_FANOUT in document.ts).
    const clients = Array.from({ length: 20 }, (_, i) =>
      connectClient(engine.wsUrl, name, { token: `user${i}` }),
    );
    await Promise.all(clients.map((c) => c.synced));
    // Several writers in the same turn: each peer gets their changes together.
    for (const [i, c] of clients.slice(0, 5).entries()) {
      const text = c.doc.getText(`notes${i}`);
      for (let k = 0; k < 10; k++) text.insert(text.length, `${k};`);
    }
    const expected = Y.encodeStateAsUpdate(clients[0]!.doc);
    await vi.waitFor(() => {
      for (const c of clients) {
        for (let i = 0; i < 5; i++)
          expect(c.doc.getText(`notes${i}`).toString()).toBe('0;1;2;3;4;5;6;7;8;9;');
      }
    });
    for (const c of clients.slice(1)) {
      const merged = new Y.Doc();
      Y.applyUpdate(merged, Y.encodeStateAsUpdate(c.doc));
      Y.applyUpdate(merged, expected);
      // Nothing the first client has is missing from any other.
      expect(Y.encodeStateVector(merged)).toEqual(Y.encodeStateVector(c.doc));
    }
  });

  it('acknowledges saves to opted-in clients only after the rows are in the database', async () => {
    const engine = await startEngine();
    const name = docName();
    const writer = connectClient(engine.wsUrl, name, { token: 'alice', tandem: true });
    await writer.synced;
    expect(writer.access).toBe('write');
    expect(writer.saves.status).toBe('saved');

    const text = writer.doc.getText('therapy');
    for (let i = 0; i < 20; i++) text.insert(text.length, `line ${i}\n`);
    expect(writer.saves.status).toBe('saving');
    await vi.waitFor(() => expect(writer.saves.status).toBe('saved'));
    // Saved means stored: a fresh read of the database has every line.
    expect((await storedDoc(engine.conn, name)).getText('therapy').toString()).toBe(
      text.toString(),
    );
    const rows = await collabModels(engine.conn).Updates.find({ docName: name }).lean();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.userId === 'alice' && r.sections.includes('therapy'))).toBe(true);
  });

  it('never sends the Tandem message types to clients that did not opt in', async () => {
    const engine = await startEngine();
    const name = docName();
    const raw = rawClient(engine.wsUrl, name, { token: 'alice' });
    await raw.opened;
    raw.requestState();
    raw.sendUpdate(mapUpdate('goals', 'g', 'x'));
    const opted = connectClient(engine.wsUrl, name, { token: 'bob', tandem: true });
    await opted.synced;
    opted.doc.getMap('goals').set('h', 'y');
    await vi.waitFor(() => expect(opted.saves.status).toBe('saved'));
    await vi.waitFor(() => expect(raw.doc.getMap('goals').get('h')).toBe('y'));
    expect(raw.received.length).toBeGreaterThan(2);
    expect(raw.received.every((m) => m[0]! <= CollabMessage.QueryAwareness)).toBe(true);
  });

  it('keeps content across an unload and a restart', async () => {
    const first = await startEngine({ options: { idleUnloadMs: 50 } });
    const name = docName();
    const a = connectClient(first.wsUrl, name, { token: 'alice', tandem: true });
    await a.synced;
    a.doc.getMap('goals').set('g1', 'walk daily');
    await vi.waitFor(() => expect(a.saves.status).toBe('saved'));
    a.destroy();
    await vi.waitFor(() => expect(first.handle.stats().documents).toBe(0));

    const again = connectClient(first.wsUrl, name, { token: 'bob' });
    await again.synced;
    expect(again.doc.getMap('goals').get('g1')).toBe('walk daily');
    await first.stop();

    const second = await startEngine({ dbName: first.dbName });
    const b = connectClient(second.wsUrl, name, { token: 'carol' });
    await b.synced;
    expect(b.doc.getMap('goals').get('g1')).toBe('walk daily');
  });

  it('closes unauthenticated, forbidden and unknown connections with their codes', async () => {
    const engine = await startEngine({
      access: (_id, doc) =>
        doc.startsWith('secret') ? 'none' : doc.startsWith('nope') ? 'unknown' : 'write',
    });
    const cases: [string, string | undefined, number][] = [
      [docName(), undefined, CloseCode.Unauthenticated],
      [docName('secret'), 'alice', CloseCode.Forbidden],
      [docName('nope'), 'alice', CloseCode.NotFound],
      ['%E0%A4%A', 'alice', CloseCode.NotFound],
    ];
    for (const [name, token, code] of cases) {
      const raw = rawClient(engine.wsUrl, name, token ? { token } : {});
      expect((await raw.closed).code).toBe(code);
      expect(raw.received).toEqual([]);
    }
    // An unmodified provider treats these codes as final and stops retrying.
    const p = connectClient(engine.wsUrl, docName('secret'), { token: 'alice' });
    await vi.waitFor(() => expect(p.closes.map((c) => c.code)).toEqual([CloseCode.Forbidden]));
    expect(p.provider.shouldConnect).toBe(false);
  });

  it('closes only the offending connection for malformed and oversized messages', async () => {
    const engine = await startEngine({ options: { maxMessageBytes: 4096 } });
    const name = docName();
    const good = connectClient(engine.wsUrl, name, { token: 'alice', tandem: true });
    await good.synced;
    good.doc.getMap('goals').set('before', 1);

    const bad = rawClient(engine.wsUrl, name, { token: 'mallory' });
    await bad.opened;
    bad.send(Uint8Array.of(0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f));
    expect((await bad.closed).code).toBe(CloseCode.Malformed);

    const text = rawClient(engine.wsUrl, name, { token: 'mallory' });
    await text.opened;
    text.ws.send('hello');
    expect((await text.closed).code).toBe(CloseCode.Malformed);

    const big = rawClient(engine.wsUrl, name, { token: 'mallory' });
    await big.opened;
    big.sendUpdate(mapUpdate('goals', 'huge', 'x'.repeat(10_000)));
    expect((await big.closed).code).toBe(CloseCode.MessageTooLarge);

    good.doc.getMap('goals').set('after', 2);
    await vi.waitFor(() => expect(good.saves.status).toBe('saved'));
    expect(good.closes).toEqual([]);
    expect((await storedDoc(engine.conn, name)).getMap('goals').toJSON()).toEqual({
      before: 1,
      after: 2,
    });
  });

  it('drops a read-only connection’s updates, tells it, and still shows it the document', async () => {
    const engine = await startEngine({
      access: (id) => (id.role === 'patient' ? 'read' : 'write'),
    });
    const name = docName();
    const writer = connectClient(engine.wsUrl, name, { token: 'doc', tandem: true });
    await writer.synced;
    writer.doc.getMap('goals').set('g1', 'walk');

    const patient = rawClient(engine.wsUrl, name, { token: 'pat:patient', tandem: true });
    await patient.opened;
    patient.requestState();
    await vi.waitFor(() => expect(patient.doc.getMap('goals').get('g1')).toBe('walk'));
    expect(patient.received[0]).toEqual(Uint8Array.from([101, 4, ...Buffer.from('read')]));
    patient.sendUpdate(mapUpdate('goals', 'g1', 'patient was here'));
    patient.sendUpdate(mapUpdate('medications', 'm', 'extra'));

    // The patient hears why, stays connected and keeps receiving live changes.
    await vi.waitFor(() =>
      expect(patient.received.some((m) => m[0] === CollabMessage.Auth)).toBe(true),
    );
    const denied = patient.received.find((m) => m[0] === CollabMessage.Auth)!;
    expect(Buffer.from(denied).toString()).toContain(READ_ONLY_REASON);
    // Acks still count the dropped messages, so a client never waits forever.
    await vi.waitFor(() =>
      expect(patient.received.some((m) => m[0] === 100 && m[1] === 2)).toBe(true),
    );
    writer.doc.getMap('goals').set('g2', 'journal');
    await vi.waitFor(() => expect(patient.doc.getMap('goals').get('g2')).toBe('journal'));
    await vi.waitFor(() => expect(writer.saves.status).toBe('saved'));

    expect(writer.doc.getMap('goals').get('g1')).toBe('walk');
    expect(writer.doc.getMap('medications').size).toBe(0);
    const stored = await storedDoc(engine.conn, name);
    expect(stored.getMap('goals').toJSON()).toEqual({ g1: 'walk', g2: 'journal' });
    expect(stored.getMap('medications').size).toBe(0);
    expect(await collabModels(engine.conn).Updates.countDocuments({ userId: 'pat' })).toBe(0);
    expect(patient.ws.readyState).toBe(patient.ws.OPEN);
  });

  it('takes a reader’s answer to sync, with the deletions it learned, as no attempt to write', async () => {
    const engine = await startEngine({
      access: (id) => (id.role === 'patient' ? 'read' : 'write'),
    });
    const name = docName();
    const writer = connectClient(engine.wsUrl, name, { token: 'doc', tandem: true });
    await writer.synced;
    writer.doc.getMap('goals').set('g1', 'walk');
    writer.doc.getMap('goals').set('g1', 'run');

    const patient = connectClient(engine.wsUrl, name, { token: 'pat:patient', tandem: true });
    await patient.synced;
    // Reconnecting answers the server's sync again, deletions included.
    patient.provider.disconnect();
    await vi.waitFor(() => expect(patient.provider.wsconnected).toBe(false));
    patient.provider.connect();
    await vi.waitFor(() => expect(patient.provider.synced).toBe(true));
    writer.doc.getMap('goals').set('g2', 'journal');
    await vi.waitFor(() => expect(patient.doc.getMap('goals').get('g2')).toBe('journal'));
    expect(patient.access).toBe('read');
    expect(patient.denied).toEqual([]);
  });

  it('stamps presence with the signed-in identity and forgets it on disconnect', async () => {
    const engine = await startEngine();
    const name = docName();
    const watcher = connectClient(engine.wsUrl, name, { token: 'watcher' });
    await watcher.synced;
    const liar = connectClient(engine.wsUrl, name, { token: 'mallory' });
    liar.provider.awareness.setLocalStateField('user', { id: 'admin', name: 'The Admin' });
    liar.provider.awareness.setLocalStateField('cursor', { index: 3 });
    const liarId = liar.doc.clientID;

    await vi.waitFor(() =>
      expect(watcher.provider.awareness.getStates().get(liarId)).toMatchObject({
        user: { id: 'mallory', name: 'User mallory', role: 'prescriber' },
        cursor: { index: 3 },
      }),
    );

    // Speaking for someone else's client id is ignored.
    const forger = rawClient(engine.wsUrl, name, { token: 'forger' });
    await forger.opened;
    forger.send(awarenessMessage(liarId, 999, { user: { id: 'forged' }, cursor: { index: 0 } }));

    // Vanish without saying goodbye: the server must clear the state itself.
    liar.provider.shouldConnect = false;
    (liar.provider.ws as unknown as { terminate(): void }).terminate();
    await vi.waitFor(() => expect(watcher.provider.awareness.getStates().has(liarId)).toBe(false));
    expect(watcher.provider.awareness.getStates().get(watcher.doc.clientID)).toBeDefined();
  });

  it('shows a person again as soon as their dropped connection is back', async () => {
    const engine = await startEngine();
    const name = docName();
    const watcher = connectClient(engine.wsUrl, name, { token: 'watcher' });
    const mover = connectClient(engine.wsUrl, name, { token: 'mover' });
    await Promise.all([watcher.synced, mover.synced]);
    mover.provider.awareness.setLocalStateField('cursor', { index: 1 });
    const id = mover.doc.clientID;
    const present = () => watcher.provider.awareness.getStates().has(id);
    await vi.waitFor(() => expect(present()).toBe(true));

    // The socket drops; the server forgets the state, and the provider reconnects with the
    // clock it had. Unanswered, it would stay hidden until its state renews (15 s or more).
    (mover.provider.ws as unknown as { terminate(): void }).terminate();
    await vi.waitFor(() => expect(present()).toBe(false));
    await vi.waitFor(() => expect(present()).toBe(true), { timeout: 5_000 });
    expect(watcher.provider.awareness.getStates().get(id)).toMatchObject({
      user: { id: 'mover' },
      cursor: { index: 1 },
    });
  });

  it('keeps a person present in one tab when they close another', async () => {
    const engine = await startEngine();
    const name = docName();
    const watcher = connectClient(engine.wsUrl, name, { token: 'watcher' });
    const tabA = connectClient(engine.wsUrl, name, { token: 'same' });
    const tabB = connectClient(engine.wsUrl, name, { token: 'same' });
    await Promise.all([watcher.synced, tabA.synced, tabB.synced]);
    tabA.provider.awareness.setLocalStateField('cursor', { index: 0 });
    // Each move of B reaches A, whose provider sends it back to the server.
    for (let i = 1; i <= 5; i++) {
      tabB.provider.awareness.setLocalStateField('cursor', { index: i });
      await vi.waitFor(() =>
        expect(tabA.provider.awareness.getStates().get(tabB.doc.clientID)).toMatchObject({
          cursor: { index: i },
        }),
      );
    }
    const b = tabB.doc.clientID;
    const seen: boolean[] = [];
    watcher.provider.awareness.on('change', () =>
      seen.push(watcher.provider.awareness.getStates().has(b)),
    );
    tabA.destroy();
    await vi.waitFor(() =>
      expect(watcher.provider.awareness.getStates().has(tabA.doc.clientID)).toBe(false),
    );
    expect(seen).not.toContain(false);
    expect(watcher.provider.awareness.getStates().get(b)).toMatchObject({ cursor: { index: 5 } });
  });

  it('keeps a newcomer connected when many people are present', async () => {
    const engine = await startEngine();
    const name = docName();
    const present = Array.from({ length: 24 }, (_, i) =>
      connectClient(engine.wsUrl, name, { token: `user${i}` }),
    );
    await Promise.all(present.map((c) => c.synced));
    for (const c of present) c.provider.awareness.setLocalStateField('cursor', { index: 1 });
    await vi.waitFor(() => expect(present[0]!.provider.awareness.getStates().size).toBe(24));

    // An unmodified provider sends back every presence it receives: the newcomer's first
    // awareness message names all 24 people present.
    const newcomer = connectClient(engine.wsUrl, name, { token: 'newcomer' });
    await newcomer.synced;
    await vi.waitFor(() => expect(newcomer.provider.awareness.getStates().size).toBe(25));
    newcomer.doc.getText('notes').insert(0, 'still here');
    await vi.waitFor(() => expect(present[0]!.doc.getText('notes').toString()).toBe('still here'));
    expect(newcomer.closes).toEqual([]);
    // Echoing others' presence speaks for none of them.
    expect(present[0]!.provider.awareness.getStates().get(present[5]!.doc.clientID)).toMatchObject({
      user: { id: 'user5' },
    });
  });

  it('drops a peer that stops answering pings, and pings the others a few at a time', async () => {
    const keepaliveMs = 600;
    const engine = await startEngine({ options: { keepaliveMs } });
    const name = docName();
    const peers = Array.from({ length: 30 }, (_, i) =>
      rawClient(engine.wsUrl, name, { token: `user${i}` }),
    );
    const silent = rawClient(engine.wsUrl, name, { token: 'gone', autoPong: false });
    const firstPing = new Map<number, number>();
    peers.forEach((p, i) =>
      p.ws.on('ping', () => firstPing.set(i, firstPing.get(i) ?? Date.now())),
    );
    await Promise.all([...peers, silent].map((c) => c.opened));

    // Unanswered at its next visit, one interval after its ping.
    expect((await silent.closed).code).toBe(1006);
    await vi.waitFor(() => expect(firstPing.size).toBe(peers.length));
    for (const p of peers) expect(p.ws.readyState).toBe(p.ws.OPEN);
    // The 30 peers were pinged over the interval, not in one burst.
    const times = [...firstPing.values()];
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(keepaliveMs / 2);
  });

  it('throttles an awareness flood and still delivers the final state', async () => {
    const engine = await startEngine({
      options: { awarenessThrottle: { burst: 5, perSecond: 10 } },
    });
    const name = docName();
    const watcher = connectClient(engine.wsUrl, name, { token: 'watcher' });
    await watcher.synced;
    let seen = 0;
    const flooderId = 424242;
    watcher.provider.awareness.on(
      'update',
      ({ updated, added }: { updated: number[]; added: number[] }) => {
        if ([...updated, ...added].includes(flooderId)) seen++;
      },
    );
    const flooder = rawClient(engine.wsUrl, name, { token: 'flooder' });
    await flooder.opened;
    for (let clock = 1; clock <= 500; clock++)
      flooder.send(awarenessMessage(flooderId, clock, { cursor: { index: clock } }));
    await vi.waitFor(() =>
      expect(watcher.provider.awareness.getStates().get(flooderId)).toMatchObject({
        cursor: { index: 500 },
      }),
    );
    expect(seen).toBeLessThan(30);
    expect(flooder.ws.readyState).toBe(flooder.ws.OPEN);
  });

  it('closes a session’s sockets with 4401', async () => {
    const engine = await startEngine();
    const name = docName();
    const a = rawClient(engine.wsUrl, name, { token: 'alice' });
    const b = rawClient(engine.wsUrl, name, { token: 'bob' });
    await Promise.all([a.opened, b.opened]);
    await vi.waitFor(() => expect(a.received.length).toBeGreaterThan(0));
    await vi.waitFor(() => expect(b.received.length).toBeGreaterThan(0));
    expect(engine.handle.closeSession('s-alice')).toBe(1);
    expect((await a.closed).code).toBe(CloseCode.Unauthenticated);
    expect(b.ws.readyState).toBe(b.ws.OPEN);
  });

  it('loads the whole document before answering, even when the database is slow', async () => {
    const seeded = await startEngine();
    const name = docName();
    const author = connectClient(seeded.wsUrl, name, { token: 'alice', tandem: true });
    await author.synced;
    author.doc.getMap('goals').set('g1', 'keep me');
    await vi.waitFor(() => expect(author.saves.status).toBe('saved'));
    await seeded.stop();

    const stall = stalledLoads();
    const slow = await startEngine({ dbName: seeded.dbName, options: stall.options });
    // An app that fills an empty document with defaults once synced must not find it empty.
    const early = connectClient(slow.wsUrl, name, { token: 'bob' });
    const seenAtSync: unknown[] = [];
    early.provider.on('sync', (s: boolean) => {
      if (s) seenAtSync.push(early.doc.getMap('goals').toJSON());
    });
    const raw = rawClient(slow.wsUrl, name, { token: 'carol' });
    await raw.opened;
    raw.requestState();
    raw.sendUpdate(mapUpdate('goals', 'g2', 'early write'));
    await new Promise((r) => setTimeout(r, 300));
    expect(raw.received).toEqual([]);
    expect(early.provider.synced).toBe(false);

    stall.release();
    await early.synced;
    expect(seenAtSync[0]).toMatchObject({ g1: 'keep me' });
    await vi.waitFor(() => expect(early.doc.getMap('goals').get('g2')).toBe('early write'));
    await slow.handle.flush();
    expect((await storedDoc(slow.conn, name)).getMap('goals').toJSON()).toEqual({
      g1: 'keep me',
      g2: 'early write',
    });
  });

  it('closes connections when the load fails and stores nothing', async () => {
    const engine = await startEngine({
      options: (conn) => {
        const store = mongoCollabStore(conn);
        return {
          store: {
            ...store,
            load: async () => {
              throw new Error('disk unreadable');
            },
          },
        };
      },
    });
    const name = docName();
    const raw = rawClient(engine.wsUrl, name, { token: 'alice' });
    await raw.opened;
    raw.sendUpdate(mapUpdate('goals', 'g', 'never stored'));
    expect((await raw.closed).code).toBe(CloseCode.LoadFailed);
    await engine.handle.flush();
    expect(await collabModels(engine.conn).Updates.countDocuments({ docName: name })).toBe(0);
    expect(engine.handle.stats().documents).toBe(0);
  });

  it('refuses updates that would grow a document past its limit', async () => {
    const engine = await startEngine({ options: { maxDocBytes: 20_000 } });
    const name = docName();
    const a = connectClient(engine.wsUrl, name, { token: 'alice', tandem: true });
    await a.synced;
    a.doc.getMap('goals').set('small', 'x'.repeat(5_000));
    await vi.waitFor(() => expect(a.saves.status).toBe('saved'));
    const raw = rawClient(engine.wsUrl, name, { token: 'bob' });
    await raw.opened;
    raw.sendUpdate(mapUpdate('goals', 'big', 'y'.repeat(18_000)));
    const closed = await raw.closed;
    expect(closed).toEqual({ code: CloseCode.MessageTooLarge, reason: 'document too large' });
    expect((await storedDoc(engine.conn, name)).getMap('goals').has('big')).toBe(false);
    expect(a.closes).toEqual([]);
  });
});

function awarenessMessage(clientId: number, clock: number, state: unknown): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 1);
  encoding.writeVarUint(inner, clientId);
  encoding.writeVarUint(inner, clock);
  encoding.writeVarString(inner, JSON.stringify(state));
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, CollabMessage.Awareness);
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
  return encoding.toUint8Array(e);
}
