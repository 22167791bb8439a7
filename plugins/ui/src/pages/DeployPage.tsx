export function DeployPage() {
  return null;
}
