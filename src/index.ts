export * from './iam-access-mode';
export * from './scheduler';
export * from './user-role';
export * from './config-fragment';
export * from './permissions-report';
