/** CDK CLI entry (cdk.json → `npx tsx infra/app.ts`). `npm run synth` = `cdk synth --no-notices --quiet` (all stacks). */
import { createApp } from './create-app.js';

createApp().app.synth();
