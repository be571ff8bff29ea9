import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// `vite build` is the app's UI (talks to the Rust commands); `vite build --mode fake` (dist-fake/) is the
// browser tests' build (e2e/): a page opened with ?scene= replays the recorded answers (src/api/replay.ts).
export default defineConfig(({ mode }) => ({
  plugins: [vue()],
  base: './',
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __INTLIFY_JIT_COMPILATION__: 'true',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __SHOUWANG_FAKE__: JSON.stringify(mode === 'fake'),
  },
  build: { target: 'es2021', chunkSizeWarningLimit: 1200 },
}))
