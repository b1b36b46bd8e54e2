export * from './round';
export * from './campaign';
export * from './sweep';
export * from './exit';
