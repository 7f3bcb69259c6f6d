/** The name tfjs knows this backend by. */
export const BACKEND_NAME = 'libtorch';
