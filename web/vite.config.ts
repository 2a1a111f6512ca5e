import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// In development the UI comes from Vite and everything else is proxied to the server.
const target = `http://127.0.0.1:${process.env.TANDEM_API_PORT ?? '3001'}`;

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    port: Number(process.env.PORT ?? 3000),
    strictPort: true,
    proxy: {
      '/api': { target },
      '/socket.io': { target, ws: true },
      '/collab': { target, ws: true },
    },
  },
  ssr: { noExternal: ['@tandem/shared'] },
});
