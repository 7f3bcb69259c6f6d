// Tests run on the libtorch backend when its addon loads (tfjs cpu otherwise, or with MEMAE_BACKEND=cpu).
import { initBackend } from '../../src/backend/select.js';

process.env.LIBTORCH_FALLBACK_WARN ??= '0';
export const useTestBackend = (): Promise<string> => initBackend();
