// The ports Chromium refuses to load pages from (net::ERR_UNSAFE_PORT): its kRestrictedPorts list
// (net/base/port_util.cc). A demo test's preview server once drew 5061 (SIP over TLS) and failed.
const chromiumRestrictedPorts = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117,
  119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636,
  989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** Whether Chromium loads pages from `port`. */
export function chromiumAllowsPort(port: number): boolean {
  return Number.isInteger(port) && port > 0 && port < 65536 && !chromiumRestrictedPorts.has(port);
}

/**
 * A port for a test's web server, drawn at random from `from` up to `from + span` (so that test
 * files running at once rarely meet) among those Chromium loads pages from. `random` is for tests.
 */
export function browserPort(from: number, span: number, random: () => number = Math.random): number {
  const allowed: number[] = [];
  for (let port = from; port < from + span; port++) if (chromiumAllowsPort(port)) allowed.push(port);
  if (allowed.length === 0)
    throw new Error(`browserPort: Chromium refuses every port from ${from} to ${from + span - 1}; pick another range`);
  return allowed[Math.min(allowed.length - 1, Math.floor(random() * allowed.length))]!;
}
