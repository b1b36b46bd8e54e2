export * from './round';
export * from './campaign';
export * from './sweep';
