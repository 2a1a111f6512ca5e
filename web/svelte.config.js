import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build' }),
    // Express mounts the handler and sends the other security headers; the
    // Origin check for state-changing requests lives in the API.
    csrf: { trustedOrigins: [] },
    // Pages' CSP (the server's own covers API answers and files): SvelteKit adds
    // the hash of the inline bootstrap it writes, so no other inline script runs.
    // 'self' covers same-origin ws: and wss: (Socket.IO, /collab). Inline
    // styles stay allowed: Svelte sets style attributes.
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};
