export function register(_p: import('commander').Command): void {}
