import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build' }),
    // Express mounts the handler and already sends CSP and other security headers;
    // the Origin check for state-changing requests lives in the API.
    csrf: { trustedOrigins: [] },
  },
};
