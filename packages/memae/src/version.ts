/** memae's version, written into every saved model (kept equal to package.json by a test). */
export const VERSION = '0.1.0';
