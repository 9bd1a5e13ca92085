// System settings: only the host name is read (the report shows it next to the file's name).
import type { SetLine, VyosReading } from './context.ts';

/** `system host-name NAME` */
export function readHostName(reading: VyosReading, line: SetLine): void {
  reading.device.hostName = line.path[2] ?? null;
}
