#!/usr/bin/env node
import { run } from '../dist/src/cli/soe.js';

run('facerecclient');
