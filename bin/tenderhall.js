#!/usr/bin/env node
// The `tenderhall` command: runs the TypeScript CLI straight from source through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
