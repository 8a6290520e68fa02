// PLACEHOLDER created by the infra engineer so that the CDK app synthesises; replace with the real handler.
// The infra stacks only need this file to exist and to export `handler`.
export const handler = async () => ({ statusCode: 501 });
