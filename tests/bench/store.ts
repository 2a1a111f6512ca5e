/**
 * Store benchmark: how opening a plan document scales with the number of
 * plans in the database. Fills one embedded database with plan documents
 * (each compacted into a snapshot, as idle plans are), and at each size times
 * loading documents (what the co-editing server does when the first person
 * opens a plan) and compacting one that has a log of fresh edits.
 *
 *   npm run bench:store -- [--docs 10,100,1000] [--doc-kb 20] [--loads 20]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { connectDb } from '@tandem/server/db/connect.ts';
import { mongoCollabStore } from '@tandem/server/collab/persistence/mongo-store.ts';
import { startTempDb } from '../helpers/services.ts';
import { percentile, r2, writeResult } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '10,100,1000' },
    'doc-kb': { type: 'string', default: '20' },
    loads: { type: 'string', default: '20' },
  },
});
const SIZES = args.docs.split(',').map(Number);
const DOC_KB = Number(args['doc-kb']);
const LOADS = Number(args.loads);
const EDITS_BEFORE_COMPACTION = 200;

const docName = (i: number) => `plan:${String(i).padStart(6, '0')}`;

/** One update carrying about `kb` KiB of text, like a plan written over time. */
function planUpdate(kb: number, seed: number): Uint8Array {
  const doc = new Y.Doc();
  const text = doc.getText('notes');
  for (let i = 0; text.length < kb * 1024; i++)
    text.insert(text.length, `Goal ${seed}.${i}: sleep seven hours, walk daily. `);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

function edit(i: number): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('notes').insert(0, `edit ${i} `);
  return Y.encodeStateAsUpdate(doc);
}

const timed = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

async function main() {
  const db = await startTempDb();
  const conn = await connectDb(db.uri, 'bench_store');
  const store = mongoCollabStore(conn);
  await store.init();
  const results = [];
  try {
    let stored = 0;
    for (const size of SIZES) {
      for (; stored < size; stored++) {
        const row = { docName: docName(stored), update: planUpdate(DOC_KB, stored) };
        await store.append([{ ...row, userId: 'bench', sections: [], at: new Date() }]);
        await store.compact(row.docName);
      }
      const loads: number[] = [];
      for (let k = 0; k < LOADS; k++)
        loads.push(await timed(() => store.load(docName((k * 7919) % size))));
      loads.sort((a, b) => a - b);

      // A fresh log on one document, then the compaction that folds it in.
      const target = docName(size - 1);
      for (let i = 0; i < EDITS_BEFORE_COMPACTION; i++)
        await store.append([
          { docName: target, update: edit(i), userId: 'bench', sections: [], at: new Date() },
        ]);
      const compactMs = await timed(() => store.compact(target));

      const result = {
        documents: size,
        loadMs: { p50: r2(percentile(loads, 50)), max: r2(loads.at(-1)!) },
        compactMs: r2(compactMs),
      };
      results.push(result);
      console.warn(
        `${size} documents of ~${DOC_KB} KiB: load p50 ${result.loadMs.p50} ms, max ${result.loadMs.max} ms; compacting ${EDITS_BEFORE_COMPACTION} edits ${result.compactMs} ms`,
      );
    }
  } finally {
    await conn.close();
    await db.stop();
  }
  const file = writeResult('store', {
    benchmark: 'store',
    command: `npm run bench:store -- ${process.argv.slice(2).join(' ')}`.trim(),
    at: new Date().toISOString(),
    settings: { docKb: DOC_KB, loads: LOADS, editsBeforeCompaction: EDITS_BEFORE_COMPACTION },
    results,
  });
  console.warn(`written to ${file}`);
}

await main();
