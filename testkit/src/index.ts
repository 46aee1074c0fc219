export * from './ports.js';
export * from './wait.js';
export * from './child.js';
export * from './prometheus.js';
export * from './chromium.js';
export * from './victoria-metrics.js';
export * from './nginx.js';
export * from './hostile.js';
