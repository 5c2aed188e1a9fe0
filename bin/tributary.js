#!/usr/bin/env node
// The `tributary` command. Sources are TypeScript run through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
