import { ensureEmbeddedDbBinary } from './embedded-binary.ts';

/** `npm run build:db`: builds the embedded database ahead of time (CI, Docker, first start). */
const binary = ensureEmbeddedDbBinary((m) => console.warn(m));
console.warn(`Embedded database ready: ${binary}`);
