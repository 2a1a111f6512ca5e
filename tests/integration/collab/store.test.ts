import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import * as Y from 'yjs';
import type { Connection } from 'mongoose';
import { connectDb } from '@tandem/server/db/connect.ts';
import { mongoCollabStore } from '@tandem/server/collab/persistence/mongo-store.ts';
import { collabModels } from '@tandem/server/collab/persistence/models.ts';
import type { StoredUpdate } from '@tandem/server/collab/persistence/store.ts';
import { changeHistory, editStretches } from '@tandem/server/collab/history.ts';
import { uniqueDbName } from '../../helpers/server.ts';
import { docName } from './helpers.ts';

let conn: Connection;
beforeAll(async () => {
  conn = await connectDb(inject('mongodbUri'), uniqueDbName('collabstore'));
  await mongoCollabStore(conn).init();
});
afterAll(async () => {
  await conn.dropDatabase();
  await conn.close();
});

/** A writer making `n` edits; returns its rows and the document they build. */
function edits(
  name: string,
  n: number,
  userId = 'u1',
  size = 10,
): { rows: StoredUpdate[]; doc: Y.Doc } {
  const doc = new Y.Doc();
  const rows: StoredUpdate[] = [];
  doc.on('update', (update: Uint8Array) =>
    rows.push({ docName: name, update, userId, sections: ['goals'], at: new Date() }),
  );
  for (let i = 0; i < n; i++) doc.getMap('goals').set(`k${i}`, `${i}`.padEnd(size, '.'));
  return { rows, doc };
}

function build(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc;
}

describe('MongoDB collab store', () => {
  it('appends, loads and compacts without losing content or attribution', async () => {
    const store = mongoCollabStore(conn);
    const name = docName();
    const { rows, doc } = edits(name, 50);
    await store.append(rows.slice(0, 30));
    await store.append(rows.slice(30));
    const loaded = await store.load(name);
    expect(loaded.updates).toHaveLength(50);
    expect(build(loaded.updates).getMap('goals').toJSON()).toEqual(doc.getMap('goals').toJSON());

    const res = await store.compact(name);
    expect(res).toMatchObject({ merged: 50, parts: 1 });
    const after = await store.load(name);
    expect(after.updates).toHaveLength(1);
    expect(build(after.updates).getMap('goals').toJSON()).toEqual(doc.getMap('goals').toJSON());

    const { History, Updates } = collabModels(conn);
    expect(await Updates.countDocuments({ docName: name })).toBe(0);
    const history = await History.find({ docName: name }).sort({ seq: 1 }).lean();
    expect(history).toHaveLength(50);
    expect(history.every((h) => h.userId === 'u1' && h.sections[0] === 'goals')).toBe(true);
    expect(new Set(history.map((h) => h.seq)).size).toBe(50);
  });

  it('treats a retried append as the same rows', async () => {
    const store = mongoCollabStore(conn);
    const name = docName();
    const { rows } = edits(name, 5);
    await store.append(rows);
    await store.append(rows);
    expect(await collabModels(conn).Updates.countDocuments({ docName: name })).toBe(5);
  });

  it('gives rows from different instances distinct sequence numbers', async () => {
    const a = mongoCollabStore(conn, { seqBlock: 3 });
    const b = mongoCollabStore(conn, { seqBlock: 3 });
    const name = docName();
    const one = edits(name, 10, 'a');
    const two = edits(name, 10, 'b');
    await Promise.all([
      (async () => {
        for (const r of one.rows) await a.append([r]);
      })(),
      (async () => {
        for (const r of two.rows) await b.append([r]);
      })(),
    ]);
    const seqs = (await collabModels(conn).Updates.find({ docName: name }).lean()).map(
      (r) => r.seq,
    );
    expect(seqs).toHaveLength(20);
    expect(new Set(seqs).size).toBe(20);
  });

  it('splits a large snapshot into parts below the record limit and reads it back', async () => {
    const store = mongoCollabStore(conn, { partBytes: 64 * 1024 });
    const name = docName();
    const { rows, doc } = edits(name, 40, 'u1', 10_000);
    await store.append(rows);
    const res = await store.compact(name);
    expect(res!.parts).toBeGreaterThan(5);
    const parts = await collabModels(conn).Parts.find({ docName: name }).lean();
    expect(parts).toHaveLength(res!.parts);
    const loaded = await store.load(name);
    expect(build(loaded.updates).getMap('goals').toJSON()).toEqual(doc.getMap('goals').toJSON());
  });

  it('never loses rows when instances compact the same document at once', async () => {
    const name = docName();
    const writer = mongoCollabStore(conn);
    const { rows, doc } = edits(name, 120);
    const compactors = [mongoCollabStore(conn), mongoCollabStore(conn), mongoCollabStore(conn)];
    let i = 0;
    let writing = true;
    const appending = (async () => {
      for (; i < rows.length; i += 10) await writer.append(rows.slice(i, i + 10));
      writing = false;
    })();
    const results: unknown[] = [];
    const compacting = Promise.all(
      compactors.map(async (c) => {
        while (writing) results.push(await c.compact(name));
      }),
    );
    // Loads in between must always see a whole document, never half a swap.
    const loading = (async () => {
      while (writing) {
        const storedBefore = i;
        const loaded = build((await writer.load(name)).updates);
        expect(loaded.getMap('goals').size).toBeGreaterThanOrEqual(storedBefore);
      }
    })();
    await Promise.all([appending, compacting, loading]);
    expect(results.some((r) => r !== null)).toBe(true);
    await writer.compact(name);
    const final = build((await writer.load(name)).updates);
    expect(final.getMap('goals').toJSON()).toEqual(doc.getMap('goals').toJSON());
    expect(await collabModels(conn).History.countDocuments({ docName: name })).toBe(120);
  });

  it('answers who changed which section when, before and after compaction', async () => {
    const store = mongoCollabStore(conn);
    const name = docName();
    const t0 = Date.now();
    const row = attributedRow(name, t0);
    await store.append([row('ada', ['medications'], 1), row('sam', ['goals', 'therapy'], 2)]);
    await store.compact(name);
    await store.append([row('ada', ['goals'], 3)]);

    const all = await changeHistory(conn, name);
    expect(all.map((c) => [c.userId, c.sections])).toEqual([
      ['ada', ['goals']],
      ['sam', ['goals', 'therapy']],
      ['ada', ['medications']],
    ]);
    const goals = await changeHistory(conn, name, { section: 'goals' });
    expect(goals.map((c) => c.userId)).toEqual(['ada', 'sam']);
    const recent = await changeHistory(conn, name, { since: new Date(t0 + 90_000) });
    expect(recent).toHaveLength(2);
    expect(all.every((c) => c.bytes > 0)).toBe(true);
  });

  it('keeps each person’s stretches of editing through compaction, once however often it runs', async () => {
    const store = mongoCollabStore(conn);
    const { Edits, Updates } = collabModels(conn);
    const name = docName();
    const t0 = Date.now() - 3_600_000;
    const row = attributedRow(name, t0);
    // Ada works twice with a long pause between; Sam once, in between.
    await store.append([
      row('ada', ['goals'], 0),
      row('ada', ['therapy'], 5),
      row('sam', ['safety'], 20),
      row('ada', ['goals'], 40),
    ]);
    const live = await editStretches(conn, name);
    await store.compact(name);
    expect(await Updates.countDocuments({ docName: name })).toBe(0);
    expect(await editStretches(conn, name)).toEqual(live);
    expect(live.map((s) => [s.userId, s.sections])).toEqual([
      ['ada', ['goals']],
      ['sam', ['safety']],
      ['ada', ['goals', 'therapy']],
    ]);

    // A crash after publishing leaves the rows: compacting them again adds nothing.
    await store.append([row('ada', ['goals'], 40)]);
    await store.compact(name);
    expect(await Edits.countDocuments({ docName: name })).toBe(3);
    expect(await editStretches(conn, name)).toEqual(live);

    // Ada goes on after her last change: that stretch grows, and no other.
    await store.append([row('ada', ['medications'], 45)]);
    await store.compact(name);
    expect(await Edits.countDocuments({ docName: name })).toBe(3);
    const grown = await editStretches(conn, name);
    expect(grown[0]).toMatchObject({
      userId: 'ada',
      sections: ['goals', 'medications'],
      from: new Date(t0 + 40 * 60_000),
      to: new Date(t0 + 45 * 60_000),
    });
    expect(grown.slice(1)).toEqual(live.slice(1));
  });
});

/** Rows of document `name` by a person, touching sections, `minutes` after t0; each changes its first section. */
function attributedRow(name: string, t0: number) {
  return (userId: string, sections: string[], minutes: number): StoredUpdate => {
    const doc = new Y.Doc();
    doc.getMap(sections[0]!).set('k', minutes);
    return {
      docName: name,
      update: Y.encodeStateAsUpdate(doc),
      userId,
      sections,
      at: new Date(t0 + minutes * 60_000),
    };
  };
}
