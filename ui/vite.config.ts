import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// `vite build` is the app's UI (talks to the Rust commands); `vite build --mode fake` swaps in the
// in-memory double of the backend for the browser tests (e2e/).
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
