/** CDK CLI entry (cdk.json → `npx tsx infra/app.ts`). `npm run synth` = `cdk synth --all --no-notices --quiet`. */
import { createApp } from './create-app.js';

createApp().app.synth();
