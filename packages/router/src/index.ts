export { createRouter, type Router } from './router.ts';
export { loadConfig, type RouterConfig } from './config/index.ts';
export * from './demo/index.ts';
