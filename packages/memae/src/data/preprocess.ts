// Moved to ../preprocess/tabular.ts (preprocessing saved with the model); kept for existing imports.
export { TabularPreprocessor, type ColumnSpec, type FitOptions } from '../preprocess/tabular.js';
